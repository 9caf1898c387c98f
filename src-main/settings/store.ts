// Settings persisted as settings.json in the data dir: validated on read and on every update,
// written atomically so a crash never leaves half a file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Settings, SettingsPatch } from '../shared/settings';
import { writeFileAtomic } from '../util/fs';

export const DEFAULT_SETTINGS: Settings = {
  collector: { host: '127.0.0.1', port: 7420, rateLimitPerMinute: 6000 },
  links: { baseUrl: null, clickTokenParam: 'ps_ct' },
  journal: { retentionHours: 24 * 7, archiveExpiryDays: null },
  stitching: {
    lookback: 'all',
    forwardThreshold: 3,
    createContactsFromForms: true,
    defaultCountry: 'US',
    clickTokenTtlHours: 24,
  },
  desktop: { openAtLogin: null, updateFeedUrl: null },
};

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

const settingsSchema = z.strictObject({
  collector: z.strictObject({
    host: z.string().min(1).max(255),
    port: z.number().int().min(0).max(65535),
    rateLimitPerMinute: z.number().int().min(1).max(100_000_000),
  }),
  links: z.strictObject({
    baseUrl: httpUrl.nullable(),
    clickTokenParam: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,31}$/, 'letters, digits, _ and - only (at most 32)'),
  }),
  journal: z.strictObject({
    retentionHours: z
      .number()
      .min(0)
      .max(24 * 365),
    archiveExpiryDays: z.number().int().min(1).max(36_500).nullable(),
  }),
  stitching: z.strictObject({
    lookback: z.enum(['all', 'session', 'click']),
    forwardThreshold: z.number().int().min(1).max(1000),
    createContactsFromForms: z.boolean(),
    defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code such as US or GB'),
    // Up to a month: a token is a one-time link from one tap, not a standing login.
    clickTokenTtlHours: z
      .number()
      .min(1)
      .max(24 * 31),
  }),
  desktop: z.strictObject({
    openAtLogin: z.boolean().nullable(),
    // https only: an update feed over plain http could be swapped on the way.
    updateFeedUrl: z
      .string()
      .url()
      .max(2048)
      .refine((u) => u.startsWith('https://'), 'must be an https URL')
      .nullable(),
  }),
});

export const settingsPatchSchema = z.strictObject({
  collector: settingsSchema.shape.collector.partial().optional(),
  links: settingsSchema.shape.links.partial().optional(),
  journal: settingsSchema.shape.journal.partial().optional(),
  stitching: settingsSchema.shape.stitching.partial().optional(),
  desktop: settingsSchema.shape.desktop.partial().optional(),
});

export class SettingsStore {
  private current: Settings;
  private readonly file: string;
  private readonly onChange: ((settings: Settings) => void) | undefined;

  /** `onChange` hears every saved update (the desktop shell applies the login item from it). */
  constructor(dataDir: string, onChange?: (settings: Settings) => void) {
    this.file = join(dataDir, 'settings.json');
    this.onChange = onChange;
    this.current = this.load();
  }

  /** The current settings, frozen: cheap enough for every request on the collector's hot path. */
  get(): Settings {
    return this.current;
  }

  update(patch: SettingsPatch): Settings {
    const merged = mergeSettings(this.current, settingsPatchSchema.parse(patch));
    const next = freezeSettings(settingsSchema.parse(merged));
    writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
    this.current = next;
    this.onChange?.(next);
    return this.get();
  }

  private load(): Settings {
    if (!existsSync(this.file)) return freezeSettings(structuredClone(DEFAULT_SETTINGS));
    const raw: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
    // Unknown or missing keys from older versions fall back to defaults, section by section.
    const patch = settingsPatchSchema.safeParse(raw);
    if (!patch.success) {
      throw new Error(`settings.json in ${this.file} is invalid: ${z.prettifyError(patch.error)}`);
    }
    return freezeSettings(settingsSchema.parse(mergeSettings(DEFAULT_SETTINGS, patch.data)));
  }
}

function freezeSettings(settings: Settings): Settings {
  for (const section of Object.values(settings)) Object.freeze(section);
  return Object.freeze(settings);
}

function mergeSettings(base: Settings, patch: SettingsPatch): Settings {
  return {
    collector: { ...base.collector, ...patch.collector },
    links: { ...base.links, ...patch.links },
    journal: { ...base.journal, ...patch.journal },
    stitching: { ...base.stitching, ...patch.stitching },
    desktop: { ...base.desktop, ...patch.desktop },
  };
}
