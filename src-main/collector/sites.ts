// The websites allowed to send events: each has an id (in the snippet), allowed origins and a
// write key for Segment-spec clients. Persisted as sites.json in the data dir.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Site, SiteInput } from '../shared/collector';
import { writeFileAtomic } from '../util/fs';

/** `scheme://host[:port]` of an http(s) URL, or an error naming what is wrong. */
export function normalizeOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`"${value.slice(0, 80)}" is not a URL like https://www.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`"${value.slice(0, 80)}" must start with http:// or https://`);
  }
  return url.origin;
}

const originSchema = z
  .string()
  .max(300)
  .transform((value, ctx) => {
    try {
      return normalizeOrigin(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

export const siteInputSchema = z.strictObject({
  name: z.string().trim().min(1, 'a site needs a name').max(120),
  origins: z.array(originSchema).max(50),
});

export const siteUpdateSchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: siteInputSchema.shape.name.optional(),
  origins: siteInputSchema.shape.origins.optional(),
});

const storedSchema = z.array(
  z.strictObject({
    id: z.string(),
    name: z.string(),
    origins: z.array(z.string()),
    writeKey: z.string(),
    createdAt: z.string(),
    demo: z.boolean().optional(),
  }),
);

export class SiteNotFoundError extends Error {}

export class SiteStore {
  private sites: Site[];
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'sites.json');
    this.sites = existsSync(this.file) ? storedSchema.parse(JSON.parse(readFileSync(this.file, 'utf8'))) : [];
  }

  list(): Site[] {
    return this.sites.map((site) => ({ ...site, origins: [...site.origins] }));
  }

  get(id: string): Site | undefined {
    return this.sites.find((site) => site.id === id);
  }

  byWriteKey(writeKey: string): Site | undefined {
    return writeKey ? this.sites.find((site) => site.writeKey === writeKey) : undefined;
  }

  /** True when any site lists this origin (used for CORS answers). */
  knowsOrigin(origin: string): boolean {
    return this.sites.some((site) => site.origins.includes(origin));
  }

  /** The built-in demo site, once the guided first run created it. */
  demo(): Site | undefined {
    return this.sites.find((site) => site.demo);
  }

  create(input: SiteInput, opts: { demo?: boolean } = {}): Site {
    const parsed = siteInputSchema.parse(input);
    const site: Site = {
      id: `site_${randomBytes(6).toString('base64url')}`,
      name: parsed.name,
      origins: [...new Set(parsed.origins)],
      writeKey: randomBytes(18).toString('base64url'),
      createdAt: new Date().toISOString(),
      ...(opts.demo ? { demo: true } : {}),
    };
    this.sites = [...this.sites, site];
    this.save();
    return { ...site };
  }

  update(input: { id: string } & Partial<SiteInput>): Site {
    const parsed = siteUpdateSchema.parse(input);
    const existing = this.get(parsed.id);
    if (!existing) throw new SiteNotFoundError(`No site with id ${parsed.id}`);
    const updated: Site = {
      ...existing,
      ...(parsed.name !== undefined ? { name: parsed.name } : {}),
      ...(parsed.origins !== undefined ? { origins: [...new Set(parsed.origins)] } : {}),
    };
    this.sites = this.sites.map((site) => (site.id === updated.id ? updated : site));
    this.save();
    return { ...updated };
  }

  /** Adds one origin to a site's allowed list (the Collector page's one-click allow). */
  allowOrigin(id: string, origin: string): Site {
    const site = this.get(id);
    if (!site) throw new SiteNotFoundError(`No site with id ${id}`);
    return this.update({ id, origins: [...site.origins, normalizeOrigin(origin)] });
  }

  /** Forgets a site: its snippet's events are refused from now on (used to remove the demo site). */
  remove(id: string): boolean {
    const before = this.sites.length;
    this.sites = this.sites.filter((site) => site.id !== id);
    if (this.sites.length === before) return false;
    this.save();
    return true;
  }

  private save(): void {
    writeFileAtomic(this.file, `${JSON.stringify(this.sites, null, 2)}\n`, 0o600);
  }
}
