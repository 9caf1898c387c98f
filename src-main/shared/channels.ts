// The messaging channels: one definition for main and renderer. A link source, a consent flag or a
// rule names a channel only through these types (and the renderer's table in src-renderer/channels.ts).

/** A channel campaigns are sent over. */
export type Channel = 'sms' | 'whatsapp' | 'email';

/** How a tap on a channel's tracked link names the link it made. */
export type ClickSource = `${Channel}_click`;
