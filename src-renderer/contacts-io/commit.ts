// The writing half of an import: duplicates (by email and E.164 phone, against the store and
// within the file) handled by the chosen policy, erased identifiers refused, and every write in ONE
// Dexie transaction, chunk after chunk, so a cancelled or failed import leaves nothing half-written.
import type { StitchDb } from '../db';
import { CONSENT_CHANNELS, withConsent } from '../db/consent';
import { newContact, withSearchKeys } from '../db/contacts';
import type { ConsentChannel, ConsentRecord, ContactRow } from '../db/types';
import { suppressedAmong } from '../stitching/suppression';
import type { ImportedFields, PreparedContact, RejectedRow } from './normalize';

/** skip: keep the existing contact as it is; update: the file's values win; merge: only fill gaps. */
export type DuplicatePolicy = 'skip' | 'update' | 'merge';

export interface ImportOutcome {
  imported: number;
  updated: number;
  skipped: number;
  rejected: RejectedRow[];
  /** Rows left out as duplicates (skip policy), with the contact they duplicate. */
  skippedRows: { line: number; where: string; reason: string }[];
}

export interface CommitProgress {
  phase: 'checking' | 'writing';
  done: number;
  total: number;
}

export interface CommitOptions {
  signal?: AbortSignal;
  onProgress?: (progress: CommitProgress) => void;
  chunkSize?: number;
  now?: number;
  newId?: () => string;
  /** What the import's consent step said; without it, only the file's consent columns count. */
  consent?: ImportConsent;
}

/** The import's consent step: channels every contact of the file agreed to, and the proof recorded. */
export interface ImportConsent {
  /** A row's own consent column wins over this for its channel. */
  given: ConsentChannel[];
  /** Recorded with every consent answer of the import, from the step or from a column. */
  source: string;
  /** When they agreed, as the user states it; defaults to the import's time. */
  at?: number;
}

/** The row's consent answers once the consent step's "they all agreed" is applied. */
export function consentOfRow(
  fields: ImportedFields,
  consent: ImportConsent | undefined,
): ImportedFields['consent'] {
  const answers = { ...fields.consent };
  for (const channel of consent?.given ?? []) answers[channel] ??= true;
  return answers;
}

export class ImportCancelledError extends Error {
  constructor() {
    super('Import cancelled: nothing was written');
  }
}

type MatchFields = Pick<ImportedFields, 'email' | 'phone' | 'whatsapp' | 'firstName' | 'lastName'>;

/** The name key of a record with no email, phone or WhatsApp number: how such rows find their contact. */
const bareNameKey = (fields: MatchFields): string | null =>
  fields.email || fields.phone || fields.whatsapp
    ? null
    : `${(fields.firstName ?? '').trim().toLowerCase()} ${(fields.lastName ?? '').trim().toLowerCase()}`.trim() ||
      null;

/**
 * What a row or contact is matched by: its email and phones; one with none of them by its full name
 * (among contacts that have none either), so re-importing such a row does not create it twice.
 */
const identifierKeys = (fields: MatchFields): string[] => {
  const keys: string[] = [];
  if (fields.email) keys.push(`email:${fields.email}`);
  if (fields.phone) keys.push(`phone:${fields.phone}`);
  if (fields.whatsapp && fields.whatsapp !== fields.phone) keys.push(`phone:${fields.whatsapp}`);
  const name = bareNameKey(fields);
  if (name) keys.push(`name:${name}`);
  return keys;
};

const IDENTIFIER_LABEL = { email: 'email', phone: 'phone', whatsapp: 'WhatsApp number' } as const;

/**
 * The row's identifier that differs from one the matched contact already has. An import never
 * replaces a contact's email or number with another row's: that would move the contact's identity.
 */
function conflictingIdentifier(contact: ContactRow, fields: ImportedFields): string | null {
  for (const field of ['email', 'phone', 'whatsapp'] as const) {
    const incoming = fields[field];
    const current = contact[field];
    if (incoming && current && incoming !== current)
      return `${IDENTIFIER_LABEL[field]} ${incoming} differs from ${contactLabel(contact)}'s ${current}, which an import does not replace (edit the contact to change it)`;
  }
  return null;
}

const contactLabel = (contact: ContactRow): string =>
  `${contact.firstName} ${contact.lastName}`.trim() ||
  contact.email ||
  contact.phone ||
  contact.whatsapp ||
  contact.id;

export async function commitImport(
  db: StitchDb,
  rows: readonly PreparedContact[],
  policy: DuplicatePolicy,
  options: CommitOptions = {},
): Promise<ImportOutcome> {
  const {
    signal,
    onProgress,
    chunkSize = 1000,
    now = Date.now(),
    newId = () => crypto.randomUUID(),
  } = options;
  const outcome: ImportOutcome = { imported: 0, updated: 0, skipped: 0, rejected: [], skippedRows: [] };
  const checkCancelled = (): void => {
    if (signal?.aborted) throw new ImportCancelledError();
  };
  const proof = { at: options.consent?.at ?? now, source: options.consent?.source ?? 'Import' };

  // Hashing is async crypto, which cannot run inside an IndexedDB transaction: done first.
  const accepted = await withoutErased(db, rows, outcome.rejected, checkCancelled, onProgress);
  checkCancelled();

  const keyOwner = new Map<string, string>();
  const latest = new Map<string, ContactRow>();
  const remember = (contact: ContactRow, before?: ContactRow): void => {
    if (before)
      for (const key of identifierKeys(before)) if (keyOwner.get(key) === before.id) keyOwner.delete(key);
    for (const key of identifierKeys(contact)) keyOwner.set(key, contact.id);
    latest.set(contact.id, contact);
  };

  await db.transaction('rw', db.contacts, async () => {
    const stored = await storedOwners(db);
    for (let start = 0; start < accepted.length; start += chunkSize) {
      checkCancelled();
      const chunk = accepted.slice(start, start + chunkSize);
      await addBareNameOwners(db, chunk, stored);
      await loadExisting(db, chunk, stored, keyOwner, latest, remember);
      const changed = new Map<string, ContactRow>();
      for (const row of chunk) {
        const owners = [
          ...new Set(identifierKeys(row.fields).flatMap((key) => keyOwner.get(key) ?? [])),
        ].flatMap((id) => latest.get(id) ?? []);
        const [match, other] = owners;
        if (match && other) {
          outcome.rejected.push({
            line: row.line,
            where: row.where,
            reason: `its email and phone belong to two different contacts (${contactLabel(match)} and ${contactLabel(other)})`,
            cells: row.cells,
          });
          continue;
        }
        const fields = { ...row.fields, consent: consentOfRow(row.fields, options.consent) };
        if (!match) {
          const contact = newContact({ id: newId(), ...newContactFields(fields, proof) }, now);
          remember(contact);
          changed.set(contact.id, contact);
          outcome.imported += 1;
        } else if (policy === 'skip') {
          outcome.skipped += 1;
          outcome.skippedRows.push({
            line: row.line,
            where: row.where,
            reason: `duplicate of ${contactLabel(match)}`,
          });
        } else {
          const conflict = conflictingIdentifier(match, fields);
          if (conflict) {
            outcome.rejected.push({ line: row.line, where: row.where, reason: conflict, cells: row.cells });
            continue;
          }
          const contact = applyRow(match, fields, policy, now, proof);
          remember(contact, match);
          changed.set(contact.id, contact);
          outcome.updated += 1;
        }
      }
      await db.contacts.bulkPut([...changed.values()]);
      onProgress?.({
        phase: 'writing',
        done: Math.min(start + chunk.length, accepted.length),
        total: accepted.length,
      });
    }
    checkCancelled();
  });
  outcome.rejected.sort((a, b) => a.line - b.line);
  return outcome;
}

/** Rows whose email or phone belongs to an erased contact are refused (DESIGN §6 rule 7). */
async function withoutErased(
  db: StitchDb,
  rows: readonly PreparedContact[],
  rejected: RejectedRow[],
  checkCancelled: () => void,
  onProgress: CommitOptions['onProgress'],
): Promise<PreparedContact[]> {
  if ((await db.suppressions.count()) === 0) return [...rows];
  const accepted: PreparedContact[] = [];
  // Hashed by the main process a chunk at a time: one bridge call per 1,000 rows.
  for (let start = 0; start < rows.length; start += 1000) {
    checkCancelled();
    onProgress?.({ phase: 'checking', done: start, total: rows.length });
    const chunk = rows.slice(start, start + 1000);
    const checks = chunk.flatMap((row) =>
      (
        [
          ['email', row.fields.email, 'email'],
          ['phone', row.fields.phone, 'phone'],
          ['phone', row.fields.whatsapp, 'WhatsApp number'],
        ] as const
      ).flatMap(([kind, value, label]) => (value ? [{ row, kind, value, label }] : [])),
    );
    const erased = await suppressedAmong(
      db,
      checks.map(({ kind, value }) => ({ kind, value })),
    );
    const refused = new Map<PreparedContact, string>();
    checks.forEach(({ row, value, label }, i) => {
      if (erased[i] && !refused.has(row)) {
        refused.set(row, `${label} ${value} belongs to an erased contact and cannot be imported again`);
      }
    });
    for (const row of chunk) {
      const reason = refused.get(row);
      if (reason) rejected.push({ line: row.line, where: row.where, reason, cells: row.cells });
      else accepted.push(row);
    }
  }
  return accepted;
}

/**
 * Who owned each email and phone when the import started, read in one pass per index (keys and
 * primary keys come back in the same order). Per-chunk `anyOf` lookups walked a cursor key by key
 * and slowed down as the import grew the table.
 */
async function storedOwners(db: StitchDb): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  const indexes = [
    ['email', 'email'],
    ['phone', 'phone'],
    ['whatsapp', 'phone'],
  ] as const;
  const columns = await Promise.all(
    indexes.map(([index]) =>
      Promise.all([db.contacts.orderBy(index).keys(), db.contacts.orderBy(index).primaryKeys()]),
    ),
  );
  columns.forEach(([keys, ids], i) => {
    const kind = indexes[i]?.[1];
    keys.forEach((key, k) => {
      const id = ids[k];
      const entry = `${kind}:${String(key)}`;
      // The phone index wins over WhatsApp for the same number, as identifierKeys orders them.
      if (id !== undefined && !owners.has(entry)) owners.set(entry, id);
    });
  });
  return owners;
}

/** Stored contacts with no email or number, under the names of the chunk's rows that have none either. */
async function addBareNameOwners(
  db: StitchDb,
  chunk: readonly PreparedContact[],
  stored: Map<string, string>,
): Promise<void> {
  const names = [...new Set(chunk.flatMap(({ fields }) => bareNameKey(fields) ?? []))].filter(
    (name) => !stored.has(`name:${name}`),
  );
  if (names.length === 0) return;
  const found = await db.contacts.where('nameKey').anyOf(names).toArray();
  for (const contact of found.sort((a, b) => a.createdAt - b.createdAt)) {
    const name = bareNameKey(contact);
    if (name && !stored.has(`name:${name}`)) stored.set(`name:${name}`, contact.id);
  }
}

/** Loads the stored contacts that own any identifier of the chunk not seen yet in this import. */
async function loadExisting(
  db: StitchDb,
  chunk: readonly PreparedContact[],
  stored: Map<string, string>,
  keyOwner: Map<string, string>,
  latest: Map<string, ContactRow>,
  remember: (contact: ContactRow) => void,
): Promise<void> {
  const wanted = new Map<string, string[]>();
  for (const { fields } of chunk) {
    for (const key of identifierKeys(fields)) {
      const owner = stored.get(key);
      if (owner === undefined || keyOwner.has(key) || latest.has(owner)) continue;
      wanted.set(owner, [...(wanted.get(owner) ?? []), key]);
    }
  }
  if (wanted.size === 0) return;
  const found = await db.contacts.bulkGet([...wanted.keys()]);
  for (const row of found) {
    // A contact merged into another lives on as its target: the duplicate is the target.
    let contact: ContactRow | undefined = row;
    for (let hops = 0; contact?.mergedInto && hops < 10; hops++)
      contact = await db.contacts.get(contact.mergedInto);
    if (!row || !contact) continue;
    if (contact.id !== row.id) {
      for (const key of identifierKeys(row)) if (!keyOwner.has(key)) keyOwner.set(key, contact.id);
    }
    remember(contact);
  }
}

function newContactFields(fields: ImportedFields, proof: ConsentProof): Partial<ContactRow> {
  const contact: Partial<ContactRow> = {
    firstName: fields.firstName ?? '',
    lastName: fields.lastName ?? '',
    tags: fields.tags ?? [],
    lists: fields.lists ?? [],
    consent: {
      sms: fields.consent.sms ?? false,
      whatsapp: fields.consent.whatsapp ?? false,
      email: fields.consent.email ?? false,
    },
    custom: { ...fields.custom },
  };
  const records: Partial<Record<ConsentChannel, ConsentRecord>> = {};
  for (const channel of CONSENT_CHANNELS) {
    const granted = fields.consent[channel];
    if (granted !== undefined) records[channel] = { granted, ...proof };
  }
  if (Object.keys(records).length > 0) contact.consentRecords = records;
  if (fields.email) contact.email = fields.email;
  if (fields.phone) {
    contact.phone = fields.phone;
    if (fields.phoneType) contact.phoneType = fields.phoneType;
  }
  if (fields.whatsapp) contact.whatsapp = fields.whatsapp;
  return contact;
}

type ConsentProof = Omit<ConsentRecord, 'granted'>;

/** An existing contact with a duplicate row applied: `update` lets the row win, `merge` only fills gaps. */
export function applyRow(
  existing: ContactRow,
  fields: ImportedFields,
  policy: Exclude<DuplicatePolicy, 'skip'>,
  now: number,
  proof: ConsentProof = { at: now, source: 'Import' },
): ContactRow {
  const wins = policy === 'update';
  const pick = <T>(current: T | undefined, incoming: T | undefined): T | undefined =>
    incoming === undefined ? current : wins || current === undefined || current === '' ? incoming : current;
  let next: ContactRow = { ...existing, custom: { ...existing.custom }, consent: { ...existing.consent } };
  next.firstName = pick(existing.firstName, fields.firstName) ?? '';
  next.lastName = pick(existing.lastName, fields.lastName) ?? '';
  const email = pick(existing.email, fields.email);
  if (email) next.email = email;
  const phone = pick(existing.phone, fields.phone);
  if (phone) {
    next.phone = phone;
    if (phone === fields.phone && fields.phoneType) next.phoneType = fields.phoneType;
  }
  const whatsapp = pick(existing.whatsapp, fields.whatsapp);
  if (whatsapp) next.whatsapp = whatsapp;
  for (const key of ['tags', 'lists'] as const) {
    const incoming = fields[key];
    if (incoming) next[key] = wins ? incoming : [...new Set([...existing[key], ...incoming])];
  }
  for (const channel of ['sms', 'whatsapp', 'email'] as const) {
    const incoming = fields.consent[channel];
    if (incoming === undefined) continue;
    // Merging never withdraws a consent the contact gave; an update takes the file's answer.
    next = withConsent(next, channel, wins ? incoming : existing.consent[channel] || incoming, proof);
  }
  for (const [name, value] of Object.entries(fields.custom)) {
    if (wins || !existing.custom[name]) next.custom[name] = value;
  }
  next.updatedAt = now;
  return withSearchKeys(next);
}
