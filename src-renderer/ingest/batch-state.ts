// What one ingest batch reads, loaded up front, and what it changes, written in bulk at the end.

import type { Table } from 'dexie';
import { emptyStats } from '../db/stats';
import type {
  CampaignRow,
  ContactRow,
  ContactStats,
  EventRow,
  IdentityRow,
  MessageRow,
  SessionRow,
  TentativeLinkRow,
  VisitorRow,
} from '../db/types';

/** Everything one batch reads, loaded up front, plus what it changes. */
export class BatchState {
  readonly visitors = new Map<string, VisitorRow>();
  readonly sessions = new Map<string, SessionRow>();
  readonly linksByVisitor = new Map<string, IdentityRow[]>();
  readonly clicksByToken = new Map<string, EventRow>();
  /** Click token → the visitor that claimed it (the first to present it in time). */
  readonly tokenClaims = new Map<string, string>();
  readonly messages = new Map<string, MessageRow>();
  readonly campaigns = new Map<string, CampaignRow>();
  readonly contacts = new Map<string, ContactRow>();
  readonly contactByEmail = new Map<string, ContactRow>();
  readonly contactByPhone = new Map<string, ContactRow>();
  readonly contactByUserId = new Map<string, ContactRow>();

  readonly newEvents: EventRow[] = [];
  readonly dirtyVisitors = new Set<string>();
  readonly dirtySessions = new Set<string>();
  readonly dirtyLinks = new Map<string, IdentityRow>();
  readonly dirtyMessages = new Set<string>();
  readonly newContacts: ContactRow[] = [];
  /** Tentative click links loaded or changed, by link id; `tentativeFor` the messages loaded. */
  readonly tentative = new Map<string, TentativeLinkRow>();
  readonly tentativeFor = new Set<string>();
  readonly dirtyTentative = new Set<string>();
  readonly deletedTentative = new Set<string>();
  /** Identity rows demoted to tentative: deleted from `identities`. */
  readonly deletedLinks = new Set<string>();
  /** Messages whose click links must be weighed again (new tap, preview, or a browser's evidence changed). */
  readonly rescore = new Set<string>();
  /** Contacts whose browsers tapped in this batch: all their tapped messages are weighed again. */
  readonly rescoreRecipients = new Set<string>();
  /** When each stored browser the batch touched was first and last seen before it (rule 9's "in use before and after"). */
  readonly seenBefore = new Map<string, { firstSeen: number; lastSeen: number }>();
  /** Browsers seen on a network new to them in this batch: network evidence may have changed. */
  readonly newNetworks = new Set<string>();
  /** Contacts (roots) whose links changed: stats recomputed from the interval model after writing. */
  readonly recompute = new Set<string>();
  /** Visitor links this batch made that the store did not hold (see writeBatch's stats). */
  readonly createdLinks = new Set<string>();
  /** A link was taken back (demoted) in this batch: every changed contact is counted afresh. */
  linksTakenBack = false;
  /** Contacts (roots) whose stats only grew by this batch's events. */
  readonly deltas = new Map<string, ContactStats>();

  rootOf = (contactId: string): string => {
    let id = contactId;
    for (let hops = 0; hops < 32; hops++) {
      const next = this.contacts.get(id)?.mergedInto;
      if (!next) return id;
      id = next;
    }
    return id;
  };

  delta(contactId: string): ContactStats {
    const root = this.rootOf(contactId);
    let delta = this.deltas.get(root);
    if (!delta) {
      delta = emptyStats();
      this.deltas.set(root, delta);
    }
    return delta;
  }

  /** Marks every message a browser presented tokens of for re-scoring, but `except`. */
  rescoreTappedBy(visitorId: string, except?: string): void {
    for (const id of this.visitors.get(visitorId)?.tapped ?? []) if (id !== except) this.rescore.add(id);
  }

  rememberContact(contact: ContactRow): void {
    this.contacts.set(contact.id, contact);
    if (contact.email) this.contactByEmail.set(contact.email, contact);
    if (contact.phone) this.contactByPhone.set(contact.phone, contact);
    if (contact.whatsapp && !this.contactByPhone.has(contact.whatsapp)) {
      this.contactByPhone.set(contact.whatsapp, contact);
    }
    if (contact.userId) this.contactByUserId.set(contact.userId, contact);
  }
}

/**
 * Loads the contacts `ids` the state lacks, then, round by round, the contacts every contact it holds
 * was merged into: `rootOf` and the stats of a merged family are only right with the whole chain
 * in memory (a form naming a merged-away contact links its root, whose stats must be recounted).
 */
export async function loadContacts(
  contacts: Table<ContactRow, string>,
  state: BatchState,
  ids: Iterable<string>,
): Promise<void> {
  let wanted = [...new Set(ids)].filter((id) => !state.contacts.has(id));
  const chainsOf = () =>
    [...new Set([...state.contacts.values()].flatMap((c) => (c.mergedInto ? [c.mergedInto] : [])))].filter(
      (id) => !state.contacts.has(id),
    );
  for (let round = 0; round < 32; round++) {
    if (wanted.length > 0) {
      for (const row of await contacts.bulkGet(wanted)) if (row) state.rememberContact(row);
    }
    wanted = chainsOf();
    if (wanted.length === 0) return;
  }
}
