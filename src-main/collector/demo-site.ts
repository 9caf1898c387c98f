// The built-in demo website at /demo/: a few static pages and a signup form with the tracking
// snippet pre-installed for the demo site, so the guided first run shows a click becoming a
// stitched profile without the user's own website. Same-origin pages of our own making only: no
// page takes input into its markup, the CSP allows no inline script, and every redirect is fixed.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SettingsStore } from '../settings/store';
import type { DemoSetup } from '../shared/collector';
import type { Collector } from './server';
import type { SiteActivityStore } from './site-activity';
import type { SiteStore } from './sites';

export interface DemoDeps {
  sites: SiteStore;
  siteActivity: SiteActivityStore;
  collector: Collector;
  settings: SettingsStore;
}

const DEMO_SITE_NAME = 'Demo site (Harbor Coffee)';

/**
 * Where the demo pages are read: through the tracked-link base when one is set (a phone scanning
 * the link reaches them there), else at the collector's own address.
 */
function demoOrigins(deps: DemoDeps): { origins: string[]; pagesBase: string } {
  const port = deps.collector.status().port;
  const base = deps.settings.get().links.baseUrl;
  const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  let pagesBase = deps.collector.baseUrl;
  if (base) {
    const url = new URL(base);
    origins.push(url.origin);
    pagesBase = base.replace(/\/+$/, '');
  }
  return { origins: [...new Set(origins)], pagesBase };
}

/** The demo site, created on first use; its origins follow the collector's port and the link base. */
export function demoSetup(deps: DemoDeps): DemoSetup {
  const { origins, pagesBase } = demoOrigins(deps);
  const existing = deps.sites.demo();
  const site = existing
    ? deps.sites.update({ id: existing.id, origins: [...new Set([...existing.origins, ...origins])] })
    : deps.sites.create({ name: DEMO_SITE_NAME, origins }, { demo: true });
  return { site, pagesUrl: `${pagesBase}/demo/` };
}

export function removeDemoSite(deps: DemoDeps): boolean {
  const site = deps.sites.demo();
  if (!site) return false;
  deps.siteActivity.forget(site.id);
  return deps.sites.remove(site.id);
}

/** Only the snippet (same origin) runs; the form posts to this site only; nothing may frame it. */
export const DEMO_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

interface DemoPage {
  title: string;
  nav: string;
  body: string;
}

const PAGES: Record<string, DemoPage> = {
  '': {
    title: 'Harbor Coffee',
    nav: 'Home',
    body: `<h1>Harbor Coffee</h1>
<p>Small-batch coffee, roasted by the harbour every Tuesday. This is Stitchdesk's demo website: its pages
carry the tracking snippet, so each visit shows up on the visitor's profile in the app.</p>
<p><a class="button" href="/demo/offer">See this week's offer</a></p>`,
  },
  offer: {
    title: 'This week’s offer — Harbor Coffee',
    nav: 'Offer',
    body: `<h1>20% off the Harbour Blend</h1>
<p>The link in your text message brought you here. Stitchdesk now knows this browser is yours: this page
view, and every page you open next, appear on your profile in the app.</p>
<p><a class="button" href="/demo/signup">Claim the offer</a> or <a href="/demo/menu">browse the menu</a>.</p>`,
  },
  menu: {
    title: 'Menu — Harbor Coffee',
    nav: 'Menu',
    body: `<h1>Menu</h1>
<ul><li>Harbour Blend — chocolate, hazelnut</li><li>Lighthouse Decaf — caramel, soft</li>
<li>Tide Espresso — dark cherry, cocoa</li></ul>
<p><a href="/demo/signup">Sign up for the weekly roast</a></p>`,
  },
  signup: {
    title: 'Sign up — Harbor Coffee',
    nav: 'Sign up',
    body: `<h1>Sign up for the weekly roast</h1>
<p>The tracking script sends only the email field of this form to Stitchdesk (never any other field).</p>
<form method="post" action="/demo/signup">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required>
<button type="submit">Sign up</button>
</form>`,
  },
  thanks: {
    title: 'Thanks — Harbor Coffee',
    nav: 'Thanks',
    body: `<h1>Thank you!</h1>
<p>You are on the list. Go back to Stitchdesk: your profile shows this visit, the pages before it and the
signup.</p><p><a href="/demo/">Back to the home page</a></p>`,
  },
};

const NAV = ['', 'offer', 'menu', 'signup'];

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#fbf7f2}
header{background:#5c3b1e;color:#fff;padding:12px 24px}header a{color:#fff;margin-right:16px}
main{max-width:640px;margin:24px auto;padding:0 24px}a{color:#7a3e00}
.button,button{display:inline-block;background:#7a3e00;color:#fff;border:0;border-radius:6px;
padding:8px 16px;text-decoration:none;font:inherit;cursor:pointer}
label{display:block;margin:12px 0 4px}input{font:inherit;padding:6px;width:100%;max-width:320px;
margin-bottom:12px}footer{max-width:640px;margin:32px auto;padding:0 24px;color:#57606a;font-size:14px}`;

/** One page of the demo site, with the snippet of `siteId` (an id the app generated, not input). */
export function demoPageHtml(slug: string, siteId: string): string | undefined {
  const page = PAGES[slug];
  if (!page) return undefined;
  const nav = NAV.map((key) => `<a href="/demo/${key}">${PAGES[key]?.nav ?? key}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${page.title}</title><style>${STYLE}</style>
<script async src="/t.js" data-site="${siteId}"></script></head>
<body><header><nav aria-label="Site">${nav}</nav></header><main>${page.body}</main>
<footer>A demo site served by your Stitchdesk collector.</footer></body></html>`;
}

const NOT_SET_UP = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No demo site</title></head>
<body><p>The demo site is not set up. Start the guided demo from the Home page of Stitchdesk.</p></body></html>`;

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', DEMO_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'strict-origin-when-cross-origin')
    .header('cache-control', 'no-store')
    .send(html);
}

/** GET /demo/<page> and the signup form's POST, inside the collector's public scope. */
export function registerDemoSite(scope: FastifyInstance, sites: SiteStore): void {
  scope.get('/demo', (_request, reply) => reply.redirect('/demo/', 302));
  scope.get<{ Params: { page: string } }>('/demo/:page', (request, reply) => {
    const site = sites.demo();
    if (!site) return send(reply, 404, NOT_SET_UP);
    const html = demoPageHtml(request.params.page, site.id);
    return html ? send(reply, 200, html) : send(reply, 404, demoPageHtml('', site.id) ?? NOT_SET_UP);
  });
  scope.get('/demo/', (_request, reply) => {
    const site = sites.demo();
    return send(reply, site ? 200 : 404, site ? (demoPageHtml('', site.id) ?? NOT_SET_UP) : NOT_SET_UP);
  });
  // The form's fields reached Stitchdesk through the tracker already; the body is not kept.
  scope.post('/demo/signup', (_request, reply) => reply.redirect('/demo/thanks', 303));
}
