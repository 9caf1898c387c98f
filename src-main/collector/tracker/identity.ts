// Who this browser is: the visitor id (first-party cookie with a localStorage mirror), the session
// id (new after 30 minutes of inactivity) and the stored consent choice.

const VISITOR_KEY = 'ps_vid';
const SESSION_KEY = 'ps_sid';
const CONSENT_KEY = 'ps_consent';
const YEAR_SECONDS = 365 * 24 * 60 * 60;
const SESSION_IDLE_MS = 30 * 60 * 1000;
// Stored values are read back from places the host page (or the visitor) can write to.
const ID_PATTERN = /^[\w-]{8,64}$/;

let visitor: string | undefined;
// Used when localStorage is blocked, so the session still holds for the life of the page.
let sessionMemory = '';

function randomByte(): number {
  const crypto = window.crypto;
  return crypto?.getRandomValues
    ? (crypto.getRandomValues(new Uint8Array(1))[0] ?? 0)
    : Math.floor(Math.random() * 256);
}

/** A random v4 UUID; `crypto.randomUUID` exists only in secure contexts, hence the fallback. */
export function randomId(): string {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (digit) =>
    (Number(digit) ^ (randomByte() & (15 >> (Number(digit) / 4)))).toString(16),
  );
}

// Storage and cookies throw in sandboxed frames and with storage blocked: treat that as empty.
function readLocal(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeLocal(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // storage blocked: the in-memory value still serves this page
  }
}

function readCookie(name: string): string | undefined {
  try {
    return document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`))?.[1];
  } catch {
    return undefined;
  }
}

function writeCookie(name: string, value: string, maxAgeSeconds: number): void {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  try {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is async and missing from older Safari and Firefox; the tracker must run everywhere.
    document.cookie = `${name}=${value}; max-age=${maxAgeSeconds}; path=/; SameSite=Lax${secure}`;
  } catch {
    // cookies blocked: the localStorage mirror still serves
  }
}

/** The visitor id, created on first use. Only call once consent allows storing it. */
export function visitorId(): string {
  if (!visitor) {
    const stored = [readCookie(VISITOR_KEY), readLocal(VISITOR_KEY)].find((id) => id && ID_PATTERN.test(id));
    visitor = stored ?? randomId();
    // Writing both restores whichever one was cleared and keeps the cookie's year rolling.
    writeCookie(VISITOR_KEY, visitor, YEAR_SECONDS);
    writeLocal(VISITOR_KEY, visitor);
  }
  return visitor;
}

/** The session id, renewed after 30 minutes without an event; each call counts as activity. */
export function sessionId(): string {
  const now = Date.now();
  const [id, lastActivity] = (readLocal(SESSION_KEY) ?? sessionMemory).split('.');
  const current = id && ID_PATTERN.test(id) && now - Number(lastActivity) < SESSION_IDLE_MS ? id : randomId();
  sessionMemory = `${current}.${now}`;
  writeLocal(SESSION_KEY, sessionMemory);
  return current;
}

/** Withdrawn consent: the browser keeps nothing that identifies it. */
export function forgetVisitor(): void {
  visitor = undefined;
  sessionMemory = '';
  writeCookie(VISITOR_KEY, '', 0);
  writeLocal(VISITOR_KEY, null);
  writeLocal(SESSION_KEY, null);
}

export function storedConsent(): boolean | undefined {
  const value = readLocal(CONSENT_KEY);
  return value === '1' ? true : value === '0' ? false : undefined;
}

// A refusal is stored too, so an opt-out holds on sites that do not require consent up front.
export function storeConsent(granted: boolean): void {
  writeLocal(CONSENT_KEY, granted ? '1' : '0');
}
