// How times and counts read across the app: local dates for people, "3 h ago" for recency.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const count = new Intl.NumberFormat();

export const formatDateTime = (t: number): string => dateTime.format(t);
export const formatDate = (t: number): string => dateOnly.format(t);
export const formatCount = (n: number): string => count.format(n);

/** "just now", "5 min ago", "3 h ago", "2 d ago", then the date; "never" for 0. */
export function formatAgo(t: number, now = Date.now()): string {
  if (!t) return 'never';
  const minutes = Math.floor((now - t) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 30) return `${days} d ago`;
  return formatDate(t);
}

/** Only http(s) addresses may become clickable links; anything else (javascript:, data:) stays text. */
export function safeHttpUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** "812 B", "4.2 KB", "16 MB", "1.3 GB" (powers of 1024, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
