// What the collector saw of each site: its first and last accepted event and from which origin
// (is the snippet installed?), and the origins it refused (a snippet on a page not allowed yet).
// Kept in site-activity.json in the data dir; written at most every few seconds, never per event.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SiteActivity } from '../shared/collector';
import { writeFileAtomic } from '../util/fs';

/** Refused origins kept per site: enough to spot a staging host or a typo, not a log of every probe. */
export const MAX_REJECTED_ORIGINS = 20;
const SAVE_DELAY_MS = 2_000;

const storedSchema = z.array(
  z.strictObject({
    siteId: z.string(),
    firstEventAt: z.string().optional(),
    lastEventAt: z.string().optional(),
    lastOrigin: z.string().optional(),
    rejectedOrigins: z.array(z.strictObject({ origin: z.string(), count: z.number(), lastAt: z.string() })),
  }),
);

export class SiteActivityStore {
  private readonly file: string;
  private readonly bySite = new Map<string, SiteActivity>();
  private timer: NodeJS.Timeout | undefined;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'site-activity.json');
    if (!existsSync(this.file)) return;
    try {
      for (const entry of storedSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')))) {
        this.bySite.set(entry.siteId, entry);
      }
    } catch {
      // A damaged file only costs the history of what was seen; the next event starts it again.
    }
  }

  list(): SiteActivity[] {
    return [...this.bySite.values()].map((a) => ({
      ...a,
      rejectedOrigins: a.rejectedOrigins.map((r) => ({ ...r })),
    }));
  }

  /** An accepted request for the site; `origin` is its Origin header (absent from server-side clients). */
  seen(siteId: string, origin: string | undefined, at = new Date()): void {
    const activity = this.entry(siteId);
    const iso = at.toISOString();
    activity.firstEventAt ??= iso;
    activity.lastEventAt = iso;
    if (origin) activity.lastOrigin = origin;
    else delete activity.lastOrigin;
    this.scheduleSave();
  }

  /** A request refused because its origin is not allowed for the site. */
  rejected(siteId: string, origin: string, at = new Date()): void {
    const activity = this.entry(siteId);
    const known = activity.rejectedOrigins.find((r) => r.origin === origin);
    const entry = known ?? { origin: origin.slice(0, 300), count: 0, lastAt: '' };
    entry.count += 1;
    entry.lastAt = at.toISOString();
    activity.rejectedOrigins = [entry, ...activity.rejectedOrigins.filter((r) => r !== entry)].slice(
      0,
      MAX_REJECTED_ORIGINS,
    );
    this.scheduleSave();
  }

  /** The origin is allowed now: it is no longer listed as refused. */
  allowed(siteId: string, origin: string): void {
    const activity = this.bySite.get(siteId);
    if (!activity) return;
    activity.rejectedOrigins = activity.rejectedOrigins.filter((r) => r.origin !== origin);
    this.scheduleSave();
  }

  forget(siteId: string): void {
    if (this.bySite.delete(siteId)) this.scheduleSave();
  }

  /** Writes what is pending now (on close, so the last seconds are not lost). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    writeFileAtomic(this.file, `${JSON.stringify([...this.bySite.values()], null, 2)}\n`, 0o600);
  }

  private entry(siteId: string): SiteActivity {
    let activity = this.bySite.get(siteId);
    if (!activity) {
      activity = { siteId, rejectedOrigins: [] };
      this.bySite.set(siteId, activity);
    }
    return activity;
  }

  private scheduleSave(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
    this.timer.unref();
  }
}
