// Whether a phone can open links with this base: a loopback address (this computer) or a private
// network address (this office's network) cannot be reached from a recipient's phone on the internet.
// The main process decides (the send guard refuses on it); the renderer asks through links.base and
// links.checkBase, so the composer's warning and the refusal apply one rule.
import type { LinkBaseReach } from '../shared/links';

const PRIVATE_V4 = [
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^169\.254\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

export function linkBaseReach(base: string): LinkBaseReach {
  let host: string;
  try {
    host = new URL(base).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return 'invalid';
  }
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\./.test(host) ||
    host === '::1' ||
    host === '0.0.0.0'
  )
    return 'loopback';
  if (PRIVATE_V4.some((range) => range.test(host))) return 'private';
  if (/^f[cd][0-9a-f]{2}:/.test(host) || /^fe80:/.test(host)) return 'private';
  // A bare machine name or mDNS name resolves only on the local network.
  if (host.endsWith('.local') || host.endsWith('.lan') || host.endsWith('.internal') || !host.includes('.'))
    return 'private';
  return 'public';
}
