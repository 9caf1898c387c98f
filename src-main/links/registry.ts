// The campaign-link table (links.json in the data dir): each campaign link gets a stable number
// that link codes carry, and its destination. Per-recipient codes are minted, never stored.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { EmailRecipientUrls, LinkCampaignInput, MintedCode, MintRequest } from '../shared/links';
import { writeFileAtomic } from '../util/fs';
import { decodeLinkCode, encodeLinkCode, loadOrCreateLinkSecret } from './codes';
import { decodeRecipientToken, encodeRecipientToken, type RecipientTokenUse } from './unsubscribe-token';

/** A bad value from the caller; `field` is the path the bridge names in its 400 answer. */
export class LinkInputError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'LinkInputError';
  }
}

/** The campaign or link to mint for was never registered. */
export class UnknownLinkError extends LinkInputError {
  constructor(field: 'campaignId' | 'linkId', detail: string) {
    super(field, detail);
    this.name = 'UnknownLinkError';
  }
}

export interface ResolvedLink {
  campaignId: string;
  linkId: string;
  recipient: number;
  destination: string;
}

/** Longest code the redirect will even try to decode; anything longer is junk. */
export const MAX_LINK_CODE_LENGTH = 32;
const MAX_ID_LENGTH = 128;
const MAX_DESTINATION_LENGTH = 2048;
const MAX_LINKS_PER_CAMPAIGN = 1000;
const MAX_RECIPIENTS_PER_MINT = 100_000;

const storedLinkSchema = z.strictObject({
  linkNum: z.number().int().min(0),
  campaignId: z.string(),
  linkId: z.string(),
  destination: z.string(),
  updatedAt: z.string(),
});
const fileSchema = z.strictObject({
  version: z.literal(1),
  nextLinkNum: z.number().int().min(1),
  links: z.array(storedLinkSchema),
});
type StoredLink = z.infer<typeof storedLinkSchema>;

export class LinkRegistry {
  private readonly file: string;
  private readonly secret: Buffer;
  private readonly byKey = new Map<string, StoredLink>();
  private readonly byNum = new Map<number, StoredLink>();
  private nextLinkNum = 1;

  constructor(dataDir: string, secret: Buffer = loadOrCreateLinkSecret(dataDir)) {
    this.file = join(dataDir, 'links.json');
    this.secret = secret;
    this.load();
  }

  /**
   * Registers (or updates) a campaign's links. A link registered before keeps its number, so codes
   * already sent keep working and lead to the new destination. Links left out are kept, not deleted.
   */
  register(input: LinkCampaignInput): { campaignId: string; linkIds: string[] } {
    const campaignId = checkId(input?.campaignId, 'campaignId');
    if (!Array.isArray(input.links) || input.links.length === 0) {
      throw new LinkInputError('links', 'at least one link is required');
    }
    if (input.links.length > MAX_LINKS_PER_CAMPAIGN) {
      throw new LinkInputError('links', `at most ${MAX_LINKS_PER_CAMPAIGN} links per campaign`);
    }
    // Validate everything first so a bad entry changes nothing.
    const seen = new Set<string>();
    const checked = input.links.map((link, i) => {
      const linkId = checkId(link?.linkId, `links[${i}].linkId`);
      if (seen.has(linkId)) throw new LinkInputError(`links[${i}].linkId`, `"${linkId}" appears twice`);
      seen.add(linkId);
      return { linkId, destination: checkDestination(link.destination, `links[${i}].destination`) };
    });

    const now = new Date().toISOString();
    let changed = false;
    for (const { linkId, destination } of checked) {
      const key = linkKey(campaignId, linkId);
      const existing = this.byKey.get(key);
      if (existing) {
        if (existing.destination !== destination) {
          existing.destination = destination;
          existing.updatedAt = now;
          changed = true;
        }
        continue;
      }
      const link: StoredLink = {
        linkNum: this.nextLinkNum++,
        campaignId,
        linkId,
        destination,
        updatedAt: now,
      };
      this.byKey.set(key, link);
      this.byNum.set(link.linkNum, link);
      changed = true;
    }
    if (changed) this.save();
    return { campaignId, linkIds: checked.map((link) => link.linkId) };
  }

  /** One code and URL per recipient index; `baseUrl` is the public link base (no trailing slash needed). */
  mint(req: MintRequest, baseUrl: string): MintedCode[] {
    const campaignId = checkId(req?.campaignId, 'campaignId');
    const linkId = checkId(req.linkId, 'linkId');
    if (!Array.isArray(req.recipients)) throw new LinkInputError('recipients', 'must be a list of indexes');
    if (req.recipients.length > MAX_RECIPIENTS_PER_MINT) {
      throw new LinkInputError('recipients', `at most ${MAX_RECIPIENTS_PER_MINT} per request`);
    }
    if (![...this.byKey.values()].some((link) => link.campaignId === campaignId)) {
      throw new UnknownLinkError('campaignId', `campaign "${campaignId}" has no registered links`);
    }
    const link = this.byKey.get(linkKey(campaignId, linkId));
    if (!link) throw new UnknownLinkError('linkId', `link "${linkId}" is not registered for "${campaignId}"`);
    const base = checkBaseUrl(baseUrl);

    return req.recipients.map((recipient, i) => {
      if (!Number.isSafeInteger(recipient) || recipient < 0) {
        throw new LinkInputError(`recipients[${i}]`, 'must be a non-negative integer');
      }
      let code: string;
      try {
        code = encodeLinkCode(this.secret, link.linkNum, recipient);
      } catch {
        throw new LinkInputError(`recipients[${i}]`, `${recipient} is too large for a link code`);
      }
      return { recipient, code, url: `${base}/r/${code}` };
    });
  }

  /**
   * Per recipient index, the signed unsubscribe URL (`<base>/u/<token>`: the footer link and
   * `List-Unsubscribe` of an email) and open-pixel URL (`<base>/o/<token>.gif`). Needs no
   * registered link: the tokens name the campaign themselves.
   */
  mintUnsubscribe(req: { campaignId: string; recipients: number[] }, baseUrl: string): EmailRecipientUrls[] {
    const campaignId = checkId(req?.campaignId, 'campaignId');
    if (!Array.isArray(req.recipients)) throw new LinkInputError('recipients', 'must be a list of indexes');
    if (req.recipients.length > MAX_RECIPIENTS_PER_MINT) {
      throw new LinkInputError('recipients', `at most ${MAX_RECIPIENTS_PER_MINT} per request`);
    }
    const base = checkBaseUrl(baseUrl);
    return req.recipients.map((recipient, i) => {
      if (!Number.isSafeInteger(recipient) || recipient < 0) {
        throw new LinkInputError(`recipients[${i}]`, 'must be a non-negative integer');
      }
      const code = encodeRecipientToken(this.secret, 'unsubscribe', campaignId, recipient);
      const open = encodeRecipientToken(this.secret, 'open', campaignId, recipient);
      return { recipient, code, url: `${base}/u/${code}`, openUrl: `${base}/o/${open}.gif` };
    });
  }

  /** The campaign and recipient an unsubscribe (or open) token stands for, or null when forged or damaged. */
  resolveUnsubscribe(
    token: string,
    use: RecipientTokenUse = 'unsubscribe',
  ): { campaignId: string; recipient: number } | null {
    return decodeRecipientToken(this.secret, use, token);
  }

  /** True before any campaign link is registered (a restore may then replace the workspace). */
  isEmpty(): boolean {
    return this.byNum.size === 0;
  }

  /** True when a registered link leads to a page on this origin (the desktop app may open it). */
  knowsDestinationOrigin(origin: string): boolean {
    for (const link of this.byNum.values()) {
      if (URL.canParse(link.destination) && new URL(link.destination).origin === origin) return true;
    }
    return false;
  }

  /** The link a code stands for, or null when the code is forged, damaged or unknown. */
  resolve(code: string): ResolvedLink | null {
    if (typeof code !== 'string' || code.length > MAX_LINK_CODE_LENGTH) return null;
    const decoded = decodeLinkCode(this.secret, code);
    if (!decoded) return null;
    const link = this.byNum.get(decoded.linkNum);
    if (!link) return null;
    return {
      campaignId: link.campaignId,
      linkId: link.linkId,
      recipient: decoded.recipient,
      destination: link.destination,
    };
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    // A damaged table is an error, not an empty start: starting over would void every link sent.
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success) {
      throw new Error(`links.json in ${this.file} is invalid: ${z.prettifyError(parsed.error)}`);
    }
    for (const link of parsed.data.links) {
      this.byKey.set(linkKey(link.campaignId, link.linkId), link);
      this.byNum.set(link.linkNum, link);
    }
    const highest = Math.max(0, ...this.byNum.keys());
    this.nextLinkNum = Math.max(parsed.data.nextLinkNum, highest + 1);
  }

  private save(): void {
    const data: z.infer<typeof fileSchema> = {
      version: 1,
      nextLinkNum: this.nextLinkNum,
      links: [...this.byNum.values()].sort((a, b) => a.linkNum - b.linkNum),
    };
    writeFileAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`);
  }
}

function linkKey(campaignId: string, linkId: string): string {
  return JSON.stringify([campaignId, linkId]);
}

function checkId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new LinkInputError(field, 'is required');
  if (value.length > MAX_ID_LENGTH) throw new LinkInputError(field, `at most ${MAX_ID_LENGTH} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new LinkInputError(field, 'must not contain control characters');
  return value;
}

/** Only absolute http(s) URLs without credentials: the redirect must never lead anywhere else. */
function checkDestination(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new LinkInputError(field, 'is required');
  if (value.length > MAX_DESTINATION_LENGTH) {
    throw new LinkInputError(field, `at most ${MAX_DESTINATION_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new LinkInputError(field, 'must be an absolute http(s) URL, e.g. https://example.com/offer');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LinkInputError(field, `must be an http(s) URL, not ${url.protocol}`);
  }
  // `https://shop.example@evil.example` reads like the shop but goes elsewhere.
  if (url.username || url.password)
    throw new LinkInputError(field, 'must not contain a user name or password');
  return url.href;
}

function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LinkInputError('baseUrl', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LinkInputError('baseUrl', 'must be an http(s) URL');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
