// A small website on its own origin with the tracking snippet on every page, for E2E tests: a home
// page, a pricing page, a signup form (with fields that must never be sent) and a single-page app.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestSiteOptions {
  /** Origin of the collector serving /t.js, e.g. `http://127.0.0.1:7420`. */
  collectorUrl: string;
  siteId: string;
  /** Adds `data-consent="required"` to the snippet and a cookie banner with Accept / Decline. */
  consent?: boolean;
}

export interface TestSite {
  origin: string;
  close(): Promise<void>;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

const NAV = `<nav><a href="/">Home</a> · <a href="/pricing">Pricing</a> · <a href="/signup">Sign up</a> · <a href="/spa">App</a></nav>`;

const SIGNUP_FORM = `<form id="signup-form" method="post" action="/thanks">
  <label>Name <input name="name" autocomplete="name"></label>
  <label>Email <input type="email" name="email" autocomplete="email"></label>
  <label>Phone <input type="tel" name="phone" autocomplete="tel"></label>
  <label>Password <input type="password" name="password" autocomplete="new-password"></label>
  <input type="hidden" name="internal_ref" value="hidden-ref-7731">
  <label>Card number <input name="cc-number" autocomplete="cc-number" inputmode="numeric"></label>
  <button type="submit">Create account</button>
</form>`;

// Buttons move through the app with pushState and set the title afterwards, as a client-side router does.
const SPA_APP = `<main id="app"><h1 id="step">Step 1</h1>
  <button type="button" data-go="/spa/step-2">Go to step 2</button>
  <button type="button" data-go="/spa/step-3">Go to step 3</button>
  <button type="button" id="back">Back</button>
</main>
<script>
  function show() {
    var step = location.pathname === '/spa' ? 'Step 1' : 'Step ' + location.pathname.slice(-1);
    document.getElementById('step').textContent = step;
    document.title = step + ' — Test Site App';
  }
  document.querySelectorAll('[data-go]').forEach(function (button) {
    button.addEventListener('click', function () {
      history.pushState({}, '', button.dataset.go);
      show();
    });
  });
  document.getElementById('back').addEventListener('click', function () { history.back(); });
  window.addEventListener('popstate', show);
  show();
</script>`;

const PAGES: Record<string, { title: string; body: string }> = {
  '/': {
    title: 'Home — Test Site',
    body: `<h1>Welcome</h1><p>Compare our <a href="/pricing">plans and prices</a>.</p>`,
  },
  '/pricing': { title: 'Pricing — Test Site', body: '<h1>Pricing</h1><p>Plans from 9 € a month.</p>' },
  '/signup': { title: 'Sign up — Test Site', body: `<h1>Sign up</h1>${SIGNUP_FORM}` },
  '/thanks': { title: 'Thanks — Test Site', body: '<h1>Thanks for signing up</h1>' },
  '/spa': { title: 'Step 1 — Test Site App', body: SPA_APP },
  '/spa/step-2': { title: 'Step 2 — Test Site App', body: SPA_APP },
  '/spa/step-3': { title: 'Step 3 — Test Site App', body: SPA_APP },
};

function render(opts: TestSiteOptions, title: string, body: string): string {
  const collector = opts.collectorUrl.replace(/\/+$/, '');
  const consentAttr = opts.consent ? ' data-consent="required"' : '';
  const banner = opts.consent
    ? `<aside aria-label="Cookie consent"><p>We use cookies to measure visits.</p>
  <button type="button" onclick="ps('consent', true)">Accept cookies</button>
  <button type="button" onclick="ps('consent', false)">Decline</button></aside>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<script>window.ps=window.ps||function(){(ps.q=ps.q||[]).push(arguments)};</script>
<script async src="${escapeHtml(collector)}/t.js" data-site="${escapeHtml(opts.siteId)}"${consentAttr}></script>
</head>
<body>
${NAV}
${banner}
${body}
</body>
</html>
`;
}

function handle(opts: TestSiteOptions, req: IncomingMessage, res: ServerResponse): void {
  // The form's body is read and thrown away: the site has no use for it, the test checks the tracker.
  req.resume();
  const path = new URL(req.url ?? '/', 'http://site.invalid').pathname;
  const page = PAGES[path];
  const allowed = path === '/thanks' ? ['GET', 'POST'] : ['GET', 'HEAD'];
  if (!page) {
    res.writeHead(path === '/favicon.ico' ? 204 : 404, { 'content-type': 'text/plain' });
    res.end(path === '/favicon.ico' ? undefined : 'Not found');
    return;
  }
  if (!allowed.includes(req.method ?? '')) {
    res.writeHead(405, { allow: allowed.join(', ') });
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : render(opts, page.title, page.body));
}

/** Starts the site on 127.0.0.1 with a free port: another origin than the collector. */
export async function startTestSite(opts: TestSiteOptions): Promise<TestSite> {
  const server = createServer((req, res) => handle(opts, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
