// Settings kept by the main process (settings.json in the data dir). Types only.

export type LookbackMode = 'all' | 'session' | 'click';

export interface Settings {
  collector: {
    /** Address the collector binds to; 127.0.0.1 unless the user explicitly opens it up. */
    host: string;
    port: number;
    /** Requests per minute accepted from one client address before 429. */
    rateLimitPerMinute: number;
  };
  links: {
    /** Public base URL of tracked links; null means the collector's own address. */
    baseUrl: string | null;
    clickTokenParam: string;
  };
  journal: {
    /** Fully acknowledged segments older than this are compressed into the journal's archive. */
    retentionHours: number;
    /** Archived events older than this many days are deleted; null keeps them (a rebuild needs them). */
    archiveExpiryDays: number | null;
  };
  stitching: {
    lookback: LookbackMode;
    /** Rule 4: past this many distinct browsers on one message link, none more is linked on its evidence alone. */
    forwardThreshold: number;
    createContactsFromForms: boolean;
    /** ISO 3166 country for phone numbers written without a + prefix (imports and forms). */
    defaultCountry: string;
    /** A click token links a browser only when presented within this many hours of its click. */
    clickTokenTtlHours: number;
  };
  /** The installed desktop app only; headless mode keeps but ignores them. */
  desktop: {
    /**
     * Start Stitchdesk at login, so tracked links keep working after a restart. null until chosen:
     * it turns on by itself once the first campaign is sent.
     */
    openAtLogin: boolean | null;
    /** A generic electron-updater feed (the folder holding latest*.yml); null never checks. */
    updateFeedUrl: string | null;
  };
}

export type SettingsPatch = { [K in keyof Settings]?: Partial<Settings[K]> };
