// Tracked-link registration and minting (DESIGN §3). Types only.

export interface LinkCampaignInput {
  campaignId: string;
  links: { linkId: string; destination: string }[];
}

export interface MintRequest {
  campaignId: string;
  linkId: string;
  /** Recipient indexes within the campaign; the message id is `<campaignId>:<index>`. */
  recipients: number[];
}

export interface MintedCode {
  recipient: number;
  code: string;
  url: string;
}

/** An email recipient's signed URLs: `url` unsubscribes (`code` is its token), `openUrl` is the open pixel. */
export interface EmailRecipientUrls extends MintedCode {
  openUrl: string;
}

/**
 * Whether a phone can open links at an address: `loopback` (this computer) and `private` (the local
 * network) it cannot; `invalid` is no http(s) URL at all. Decided in the main process (links/reach).
 */
export type LinkBaseReach = 'loopback' | 'private' | 'public' | 'invalid';

/** The tracked-link base in force (the setting, else the collector's own address), as links.base says. */
export interface LinkBase {
  /** Without a trailing slash. */
  url: string;
  reach: LinkBaseReach;
}

/** What requesting `<base>/r/…` from this computer showed (links.checkBase). */
export interface LinkBaseCheck {
  baseUrl: string;
  /** Whether a phone could open links at this base at all, whatever the request showed. */
  reach: LinkBaseReach;
  /** A one-time check request sent to the base came back to this very collector. */
  reachesCollector: boolean;
  /** The HTTP status the base answered with, when it answered. */
  status?: number;
  /** What happened, in a sentence for the user. */
  detail: string;
}
