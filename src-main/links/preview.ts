// Tells link-preview fetchers (chat apps unfurling a link) from people tapping it, and truncates
// IP addresses before anything is journalled.
import { isIPv4, isIPv6 } from 'node:net';
import { isbot } from 'isbot';
import previewList from '../shared/link-previews.json';

/** Preview fetchers named explicitly, so they stay previews whatever `isbot`'s list does. */
const PREVIEW_AGENTS = previewList.agents.map((source) => new RegExp(source, 'i'));

/** True for requests that only look at the link (HEAD, preview bots, no user agent at all). */
export function isLinkPreview(userAgent: string | undefined, method: string): boolean {
  if (method.toUpperCase() === 'HEAD') return true;
  const ua = userAgent?.trim() ?? '';
  // Every browser sends a user agent; a request without one is a script or a fetcher.
  if (ua === '') return true;
  return remember(previewVerdicts, ua, isPreviewAgent);
}

/** isbot's verdict on a user agent (an empty one included). */
export function isBotAgent(userAgent: string | undefined): boolean {
  return remember(botVerdicts, userAgent ?? '', isbot);
}

/**
 * Verdicts are remembered per user agent: the same few agents make most requests, and isbot's
 * pattern is long. Bounded, so a stream of made-up agents cannot grow it without limit.
 */
const MAX_REMEMBERED_AGENTS = 5000;
const previewVerdicts = new Map<string, boolean>();
const isPreviewAgent = (agent: string) =>
  PREVIEW_AGENTS.some((pattern) => pattern.test(agent)) || isbot(agent);
const botVerdicts = new Map<string, boolean>();

function remember(
  verdicts: Map<string, boolean>,
  agent: string,
  decide: (agent: string) => boolean,
): boolean {
  let verdict = verdicts.get(agent);
  if (verdict === undefined) {
    verdict = decide(agent);
    if (verdicts.size >= MAX_REMEMBERED_AGENTS) verdicts.clear();
    verdicts.set(agent, verdict);
  }
  return verdict;
}

/**
 * Zeroes the part of an address that identifies a household: the last octet of IPv4, the last 80
 * bits of IPv6 (keeping the /48 network). IPv4-mapped IPv6 is treated as IPv4. Returns '' for
 * anything that is not an IP address.
 */
export function truncateIp(ip: string): string {
  const address = ip.trim().replace(/%.*$/, ''); // a zone id (`fe80::1%eth0`) names a local interface
  if (isIPv4(address)) return truncateIpv4(address);
  if (!isIPv6(address)) return '';
  const groups = ipv6Groups(address);
  if (!groups) return '';
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const high = groups[6] ?? 0;
    const low = groups[7] ?? 0;
    return truncateIpv4(`${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`);
  }
  // Only the first three groups survive; the rest is one run of zeros, written as `::`.
  const kept = groups.slice(0, 3);
  while (kept.length > 0 && kept[kept.length - 1] === 0) kept.pop();
  return `${kept.map((g) => g.toString(16)).join(':')}::`;
}

function truncateIpv4(address: string): string {
  return `${address.split('.').slice(0, 3).join('.')}.0`;
}

/** The eight 16-bit groups of a valid IPv6 address, with `::` expanded and a dotted IPv4 tail split. */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const all = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  const groups = all.map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : null;
}
