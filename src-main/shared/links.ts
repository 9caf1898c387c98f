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
