// The website tracking script served as /t.js: page views (also on SPA navigation), the click token,
// form contacts and the `ps(...)` command queue, behind an optional consent gate.
import type { EventContext, PageContext, TrackedEvent } from '../../shared/events';
import { contactTraits } from './forms';
import { forgetVisitor, randomId, sessionId, storeConsent, storedConsent, visitorId } from './identity';
import { createTransport, type Transport } from './transport';

const LIBRARY = { name: 'stitchdesk-tracker', version: '1.0.0' };
// Events made while waiting for consent are held in memory, up to this many.
const MAX_HELD = 100;

type Properties = Record<string, unknown>;
/** `window.ps`: the snippet's stub (queued calls in `q`) until this script replaces it; `l` marks ours. */
type Command = ((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[]; l?: boolean };
type Host = Window & { ps?: Command };
/** An event before the visitor and session ids are stamped on it (only once consent allows). */
type Draft = Omit<TrackedEvent, 'messageId' | 'timestamp' | 'context'> & { context?: EventContext };

const host = window as Host;

function guard(run: () => void): void {
  try {
    run();
  } catch {
    // The tracker never breaks the page it is measuring.
  }
}

function findOwnScript(): HTMLScriptElement | null {
  // currentScript is set for async classic scripts too; the query covers wrappers that defer it.
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.site) return current;
  return document.querySelector<HTMLScriptElement>('script[src*="/t.js"][data-site]');
}

function withoutHash(url: string): string {
  return url.split('#')[0] ?? url;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/** Reads the click token from the query string and takes it out of the address bar. */
function takeClickToken(param: string): { token: string; url: string; search: string } | undefined {
  let token: string | undefined;
  // Other parameters are kept byte for byte (URLSearchParams would re-encode them).
  const kept = location.search
    .slice(1)
    .split('&')
    .filter((part) => {
      const eq = part.indexOf('=');
      if (decode(eq < 0 ? part : part.slice(0, eq)) !== param) return true;
      token ??= eq < 0 ? '' : decode(part.slice(eq + 1));
      return false;
    });
  if (token === undefined) return undefined;
  const search = kept.length ? `?${kept.join('&')}` : '';
  const path = location.pathname + search + location.hash;
  try {
    history.replaceState(history.state, '', path);
  } catch {
    // the page URL sent below is cleaned anyway
  }
  return { token, url: location.origin + path, search };
}

function start(): void {
  const script = findOwnScript();
  const siteId = script?.dataset.site;
  if (!script || !siteId || host.ps?.l) return;

  const transport: Transport = createTransport(`${new URL(script.src).origin}/collect`, siteId);
  // true: send; false: refused, drop; undefined: hold until ps('consent', …).
  let consent = storedConsent() ?? (script.dataset.consent === 'required' ? undefined : true);
  let held: TrackedEvent[] = [];
  let lastUrl = '';
  let lastKey = '';

  function release(event: TrackedEvent): void {
    event.anonymousId = visitorId();
    event.context = { ...event.context, sessionId: sessionId() };
    transport.enqueue(event);
  }

  function emit(draft: Draft, page?: PageContext): void {
    // A copy taken now: the page may mutate or reuse the objects it passed, or pass unserialisable ones.
    const event = JSON.parse(
      JSON.stringify({
        messageId: randomId(),
        timestamp: new Date().toISOString(),
        ...draft,
        context: {
          page: clipPage(page ?? currentPage()),
          userAgent: navigator.userAgent,
          library: LIBRARY,
          ...draft.context,
        },
      }),
    ) as TrackedEvent;
    if (consent) release(event);
    else if (consent === undefined && held.length < MAX_HELD) held.push(event);
  }

  function currentPage(): PageContext {
    return {
      url: location.href,
      path: location.pathname,
      // Within a single-page app the previous view is the referrer; on a fresh load, the browser's.
      referrer: lastUrl && lastUrl !== withoutHash(location.href) ? lastUrl : document.referrer,
      title: document.title,
      search: location.search,
    };
  }

  // Cut to the collector's limits, which would otherwise refuse the whole event.
  function clipPage(page: PageContext): PageContext {
    return {
      url: page.url?.slice(0, 4096),
      path: page.path?.slice(0, 2048),
      referrer: page.referrer?.slice(0, 4096),
      title: page.title?.slice(0, 512),
      search: page.search?.slice(0, 2048),
    };
  }

  function pageView(
    properties?: Properties,
    page: PageContext = currentPage(),
    context?: EventContext,
  ): void {
    // Without the fragment, as browsers send referrers.
    lastUrl = withoutHash(page.url ?? '');
    lastKey = location.pathname + location.search;
    emit({ type: 'page', properties, context }, page);
  }

  // Deferred a tick so the app has set the new title; a hash-only change is not a new page.
  function navigated(): void {
    setTimeout(() => guard(() => location.pathname + location.search !== lastKey && pageView()), 0);
  }

  function setConsent(granted: boolean): void {
    consent = granted;
    storeConsent(granted);
    if (granted) held.forEach(release);
    else {
      transport.drop();
      forgetVisitor();
    }
    held = [];
  }

  function command(name: unknown, arg?: unknown, more?: unknown): void {
    const props = (value: unknown): Properties | undefined =>
      value && typeof value === 'object' ? (value as Properties) : undefined;
    if (name === 'track' && typeof arg === 'string' && arg) {
      emit({ type: 'track', event: arg.slice(0, 512), properties: props(more) });
    } else if (name === 'identify' && props(arg)) {
      const { userId, ...traits } = props(arg) as Properties;
      const id =
        typeof userId === 'string' || typeof userId === 'number' ? String(userId).slice(0, 200) : undefined;
      emit({ type: 'identify', userId: id, traits });
    } else if (name === 'page') {
      pageView(props(arg));
    } else if (name === 'consent') {
      setConsent(arg === true);
    }
  }

  // The landing page view goes first: queued commands (consent included) act on it.
  const landing = takeClickToken(script.dataset.tokenParam || 'ps_ct');
  const page = currentPage();
  if (landing) {
    page.url = landing.url;
    page.search = landing.search;
  }
  // A token longer than the collector accepts is not one it minted: strip it, but do not send it.
  const clickToken = landing?.token && landing.token.length <= 128 ? landing.token : undefined;
  pageView(undefined, page, clickToken ? { clickToken } : undefined);

  const queued = Array.from(host.ps?.q ?? []);
  const live: Command = (...args) => guard(() => command(args[0], args[1], args[2]));
  live.l = true;
  host.ps = live;
  for (const args of queued) live(...Array.from(args));

  const pushState = history.pushState;
  history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
    pushState.apply(this, args);
    guard(navigated);
  };
  addEventListener('popstate', () => guard(navigated));
  // A page restored from the back/forward cache runs no script again, yet it is viewed again.
  addEventListener('pageshow', (event) => guard(() => event.persisted && pageView()));

  document.addEventListener(
    'submit',
    (event) =>
      guard(() => {
        const form = event.target;
        if (!(form instanceof HTMLFormElement)) return;
        // getAttribute, because form.id / form.action are shadowed by fields named "id" / "action".
        const action = new URL(
          event.submitter?.getAttribute('formaction') || form.getAttribute('action') || location.href,
          location.href,
        );
        emit({
          type: 'form_submit',
          traits: { ...contactTraits(form) },
          properties: {
            formId: form.getAttribute('id') || undefined,
            formName: form.getAttribute('name') || form.getAttribute('aria-label') || undefined,
            // Without query or hash: a GET form's own values would be there.
            formAction: action.origin + action.pathname,
          },
        });
        // The submit usually navigates away: send now, by beacon, rather than after the batch delay.
        transport.flush();
      }),
    true,
  );
  addEventListener('pagehide', () => guard(transport.flush));
  document.addEventListener('visibilitychange', () =>
    guard(() => document.visibilityState === 'hidden' && transport.flush()),
  );
}

guard(start);
