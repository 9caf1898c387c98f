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

/** What requesting `<base>/r/…` from this computer showed (links.checkBase). */
export interface LinkBaseCheck {
  baseUrl: string;
  /** A one-time check request sent to the base came back to this very collector. */
  reachesCollector: boolean;
  /** The HTTP status the base answered with, when it answered. */
  status?: number;
  /** What happened, in a sentence for the user. */
  detail: string;
}
