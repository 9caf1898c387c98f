// Who a campaign reaches: contacts of the chosen audience (everyone, a tag, a list, a saved segment)
// that consented to the channel, have a number or address it can reach, and are not suppressed
// (erased) — with why others are out.
import { parsePhoneNumber } from 'libphonenumber-js/max';
import { checkEmail } from '../contacts-io/normalize';
import type { StitchDb } from '../db';
import { distinctStringKeys } from '../db/distinct-keys';
import type { CampaignAudience, Channel, ContactRow } from '../db/types';
import { segmentMembers } from '../segments/count';
import { suppressedAmong } from '../stitching/suppression';

export type ExclusionReason =
  | 'noConsent'
  | 'noNumber'
  | 'notMobile'
  | 'noEmail'
  | 'bounced'
  | 'suppressed'
  | 'duplicate';

export const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  noConsent: 'No consent for this channel',
  noNumber: 'No valid number',
  notMobile: 'Not a mobile number',
  noEmail: 'No valid email address',
  bounced: 'Email address hard-bounced',
  suppressed: 'Erased (suppressed)',
  duplicate: 'Same number or address as another recipient',
};

export type RecipientCheck = { ok: true; to: string } | { ok: false; reason: ExclusionReason };

const E164 = /^\+[1-9]\d{6,14}$/;

/** Number-plan types an SMS can reach; `undefined` means the plan does not say, which is let through. */
const SMS_PLAN_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', undefined]);
const SMS_STORED_TYPES = new Set(['mobile', 'fixed-or-mobile']);

/** Whether an SMS reaches the number: the stored type (an importer's answer) first, else the number plan. */
function smsReachable(contact: ContactRow, e164: string): 'ok' | 'notMobile' | 'invalid' {
  if (contact.phoneType) return SMS_STORED_TYPES.has(contact.phoneType) ? 'ok' : 'notMobile';
  try {
    return SMS_PLAN_TYPES.has(parsePhoneNumber(e164).getType()) ? 'ok' : 'notMobile';
  } catch {
    return 'invalid';
  }
}

/** Can `contact` get a message on `channel`, and at which number? (Suppression is checked separately.) */
export function checkRecipient(contact: ContactRow, channel: Channel): RecipientCheck {
  if (!contact.consent[channel]) return { ok: false, reason: 'noConsent' };
  if (channel === 'email') {
    const checked = contact.email ? checkEmail(contact.email) : null;
    if (!checked?.ok) return { ok: false, reason: 'noEmail' };
    // A bounce of this very address; a corrected address is tried again.
    if (contact.emailBounce?.address === checked.email) return { ok: false, reason: 'bounced' };
    return { ok: true, to: checked.email };
  }
  if (channel === 'whatsapp') {
    const to = contact.whatsapp ?? contact.phone;
    return to && E164.test(to) ? { ok: true, to } : { ok: false, reason: 'noNumber' };
  }
  const to = contact.phone;
  if (!to || !E164.test(to)) return { ok: false, reason: 'noNumber' };
  const reach = smsReachable(contact, to);
  if (reach === 'ok') return { ok: true, to };
  return { ok: false, reason: reach === 'invalid' ? 'noNumber' : 'notMobile' };
}

export interface Recipient {
  contact: ContactRow;
  to: string;
}

export interface AudienceResult {
  /** In a stable order (creation, then id): a recipient's position is its index in message ids. */
  recipients: Recipient[];
  /** Contacts in the audience before exclusions. */
  matched: number;
  excluded: Record<ExclusionReason, number>;
}

export class MissingSegmentError extends Error {}

export async function audienceContacts(
  db: StitchDb,
  audience: CampaignAudience,
  now = Date.now(),
): Promise<ContactRow[]> {
  switch (audience.kind) {
    case 'segment': {
      const segment = await db.segments.get(audience.segmentId);
      if (!segment)
        throw new MissingSegmentError(
          'The segment this campaign was sent to was deleted; pick another audience.',
        );
      return segmentMembers(db, segment.definition, now);
    }
    case 'conditions':
      return segmentMembers(db, audience.definition, now);
    case 'tag':
      return db.contacts.where('tags').equals(audience.tag).toArray();
    case 'list':
      return db.contacts.where('lists').equals(audience.list).toArray();
    default:
      return db.contacts.toArray();
  }
}

export async function buildAudience(
  db: StitchDb,
  audience: CampaignAudience,
  channel: Channel,
  now = Date.now(),
): Promise<AudienceResult> {
  const contacts = (await audienceContacts(db, audience, now))
    // A merged contact lives on in the one it was merged into.
    .filter((c) => !c.mergedInto)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const suppressed = await suppressedContacts(db, contacts);
  const excluded: Record<ExclusionReason, number> = {
    noConsent: 0,
    noNumber: 0,
    notMobile: 0,
    noEmail: 0,
    bounced: 0,
    suppressed: 0,
    duplicate: 0,
  };
  const recipients: Recipient[] = [];
  const seen = new Set<string>();
  for (const contact of contacts) {
    if (suppressed.has(contact.id)) {
      excluded.suppressed += 1;
      continue;
    }
    const check = checkRecipient(contact, channel);
    if (!check.ok) {
      excluded[check.reason] += 1;
      continue;
    }
    // Two contacts with one number (or address) would get the same message twice.
    if (seen.has(check.to)) {
      excluded.duplicate += 1;
      continue;
    }
    seen.add(check.to);
    recipients.push({ contact, to: check.to });
  }
  return { recipients, matched: contacts.length, excluded };
}

/** Ids of contacts holding an erased person's phone or email; hashed in main, 2,000 contacts a call. */
async function suppressedContacts(db: StitchDb, contacts: readonly ContactRow[]): Promise<Set<string>> {
  const found = new Set<string>();
  if ((await db.suppressions.count()) === 0) return found;
  for (let start = 0; start < contacts.length; start += 2000) {
    const checks = contacts.slice(start, start + 2000).flatMap((contact) =>
      (
        [
          ['phone', contact.phone],
          ['phone', contact.whatsapp],
          ['email', contact.email],
        ] as const
      ).flatMap(([kind, value]) => (value ? [{ contact, kind, value }] : [])),
    );
    const erased = await suppressedAmong(
      db,
      checks.map(({ kind, value }) => ({ kind, value })),
    );
    checks.forEach(({ contact }, i) => {
      if (erased[i]) found.add(contact.id);
    });
  }
  return found;
}

/** Tags and lists in use, for the audience pickers. */
export async function audienceOptions(db: StitchDb): Promise<{ tags: string[]; lists: string[] }> {
  const [tags, lists] = await Promise.all([
    distinctStringKeys(db.contacts, 'tags'),
    distinctStringKeys(db.contacts, 'lists'),
  ]);
  return { tags, lists };
}
