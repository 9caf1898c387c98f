// Serving the built renderer (out/renderer): the path check that keeps requests inside that folder,
// the content types and the response headers with the CSP. Headless /app/* and Electron's app://
// scheme both answer through these.
import { extname, isAbsolute, resolve, sep } from 'node:path';

/** The desktop window's origin: app://stitchdesk (a privileged, standard, secure scheme). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'stitchdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
};

/** Kept in step with the CSP meta tag in src-renderer/index.html ('self' is app://stitchdesk in the app). */
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; " +
  "frame-ancestors 'none'; form-action 'none'";

/**
 * The file under `rendererDir` a decoded path relative to it names ('' is index.html), or null
 * when it would leave the folder: any `..` or `.` segment, an absolute or drive path, a backslash,
 * a NUL. Refused rather than normalised, so no spelling of a way out can slip through.
 */
export function resolveRendererFile(rendererDir: string, relativePath: string): string | null {
  if (relativePath.includes('\0') || relativePath.includes('\\')) return null;
  if (relativePath === '') return resolve(rendererDir, 'index.html');
  if (isAbsolute(relativePath) || /^[A-Za-z]:/.test(relativePath)) return null;
  if (relativePath.split('/').some((segment) => segment === '..' || segment === '.')) return null;
  const root = resolve(rendererDir);
  const file = resolve(root, relativePath);
  return file.startsWith(root + sep) ? file : null;
}

/**
 * The file an app:// request asks for, or null: another host, a path that does not decode, or one
 * `resolveRendererFile` refuses. The query and fragment are ignored.
 */
export function appRequestFile(rendererDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  // The path's own leading slash; a second one (an encoded %2f) would make it absolute.
  return resolveRendererFile(rendererDir, decoded.slice(1));
}

/** The headers every renderer file is served with, the CSP among them. */
export function rendererFileHeaders(file: string): Record<string, string> {
  const ext = extname(file);
  return {
    'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    'cache-control': ext === '.html' ? 'no-store' : 'public, max-age=31536000, immutable',
    'content-security-policy': APP_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
}
