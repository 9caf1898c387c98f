// Erasure in the journal: an erased person's records become redaction records at the same offsets,
// in old and active segments alike, while appends and reads go on, and the result survives a restart.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mentionsOf } from '../../../src-main/erasure/mentions';
import { openJournal } from '../../../src-main/journal/journal';
import { redactSegmentBytes } from '../../../src-main/journal/redact';
import type { JournalEntryInput, OpenedJournal } from '../../../src-main/journal/types';
import type { RedactionRequest } from '../../../src-main/shared/erasure';
import type { JournalRecord, TrackedEvent } from '../../../src-main/shared/events';
import type { Logger } from '../../../src-main/util/log';

const freshJournalDir = () => join(mkdtempSync(join(tmpdir(), 'stitchdesk-redact-')), 'journal');
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const open = (dir: string, segmentBytes?: number) =>
  openJournal({ dir, log: quiet, retentionHours: () => 24 * 7, ...(segmentBytes ? { segmentBytes } : {}) });

const ANA: RedactionRequest = {
  emails: ['ana@example.org'],
  phones: ['+14155552671'],
  visitorIds: ['v-ana-5d1c8e'],
  userIds: ['42'],
  messageIds: ['spring:0'],
};

let n = 0;
const entry = (event: Omit<TrackedEvent, 'messageId'>): JournalEntryInput => ({
  source: 'tracker',
  siteId: 'site-1',
  event: { messageId: `m-${++n}`, ...event },
});
const benPage = () => entry({ type: 'page', anonymousId: 'v-ben-0a9f', context: { page: { path: '/ben' } } });
const anaEvents = (): JournalEntryInput[] => [
  entry({ type: 'page', anonymousId: 'v-ana-5d1c8e', context: { page: { path: '/home' } } }),
  entry({ type: 'form_submit', anonymousId: 'v-other', traits: { email: ' Ana@Example.org ' } }),
  entry({ type: 'form_submit', anonymousId: 'v-other2', traits: { phone: '(415) 555-2671' } }),
  entry({ type: 'identify', anonymousId: 'v-other3', userId: '42' }),
  {
    source: 'redirect',
    event: {
      messageId: `m-${++n}`,
      type: 'link_click',
      properties: { campaignId: 'spring', linkId: 'l1', recipientMessageId: 'spring:0', clickToken: 't1' },
    },
  },
  entry({
    type: 'page',
    anonymousId: 'v-x',
    context: { page: { url: 'https://shop.test/?e=ana%40example.org' } },
  }),
];

async function readAll(journal: OpenedJournal): Promise<JournalRecord[]> {
  const records: JournalRecord[] = [];
  for (let from = 0; ; ) {
    const page = await journal.read(from, 5000);
    if (page.records.length === 0) return records;
    records.push(...page.records);
    from = page.nextOffset;
  }
}

const folderText = (dir: string) =>
  readdirSync(dir)
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');

describe('journal redaction', () => {
  it("replaces each of Ana's records by a redaction record at the same offset, in every segment, and keeps Ben's", async () => {
    const dir = freshJournalDir();
    // Small segments, so her records are spread over finished segments and the active one.
    const journal = await open(dir, 600);
    for (let i = 0; i < 3; i++) {
      await journal.append([benPage()]);
      for (const e of anaEvents()) await journal.append([e]);
    }
    await journal.append([entry({ type: 'page', anonymousId: 'v-ana-5d1c8e' })]);
    const before = await readAll(journal);
    expect(readdirSync(dir).filter((f) => f.endsWith('.seg')).length).toBeGreaterThan(3);

    const report = await journal.redact(mentionsOf(ANA));

    const after = await readAll(journal);
    expect(after.map((r) => r.offset)).toEqual(before.map((r) => r.offset));
    const bens = before.filter((r) => r.event.anonymousId === 'v-ben-0a9f');
    expect(after.filter((r) => r.event.anonymousId === 'v-ben-0a9f')).toEqual(bens);
    expect(report.records).toBe(before.length - bens.length);
    for (const record of after.filter((r) => r.event.anonymousId !== 'v-ben-0a9f')) {
      const original = before[record.offset];
      expect(record).toEqual({
        offset: original?.offset,
        receivedAt: original?.receivedAt,
        source: 'app',
        event: { messageId: original?.event.messageId, type: 'redacted' },
      });
    }
    const text = folderText(dir);
    for (const trace of ['ana@example.org', 'Ana@Example.org', '555-2671', 'v-ana-5d1c8e', 'spring:0']) {
      expect(text).not.toContain(trace);
    }

    // Appends continue in the rewritten active segment, and a restart reads it all back.
    await journal.append([benPage()]);
    await journal.close();
    const reopened = await open(dir, 600);
    const replayed = await readAll(reopened);
    expect(replayed.slice(0, after.length)).toEqual(after);
    expect(replayed.at(-1)?.offset).toBe(after.length);
    await reopened.close();
  });

  it('appends and reads made while a redaction runs all complete, in order, with no offset lost', async () => {
    const dir = freshJournalDir();
    const journal = await open(dir);
    for (let i = 0; i < 200; i++) await journal.append([benPage(), ...anaEvents()]);
    const redaction = journal.redact(mentionsOf(ANA));
    const during = await Promise.all([
      ...Array.from({ length: 20 }, () => journal.append([benPage(), anaEvents()[0] as JournalEntryInput])),
      journal.read(0, 5000),
    ]);
    await redaction;
    expect(during).toHaveLength(21);
    const all = await readAll(journal);
    expect(all.map((r) => r.offset)).toEqual(all.map((_, i) => i));
    // Records appended after the pass started are new events: they wait for the next erasure.
    expect(all.filter((r) => r.event.type === 'redacted').length).toBeGreaterThanOrEqual(200 * 6);
    await journal.close();
  });

  it('keeps the messageId of a redacted record unless the id itself names her', () => {
    const dir = freshJournalDir();
    return (async () => {
      const journal = await open(dir);
      await journal.append([
        { source: 'segment', event: { messageId: 'signup:ana@example.org', type: 'identify', userId: '42' } },
        { source: 'segment', event: { messageId: 'b2c7e1d4-opaque', type: 'identify', userId: '42' } },
        { source: 'segment', event: { messageId: 'short', type: 'identify', userId: '7' } },
      ]);
      await journal.redact(mentionsOf(ANA));
      const ids = (await readAll(journal)).map((r) => `${r.event.type} ${r.event.messageId}`);
      // userId 42 counts only as a userId: the record of user 7 stays.
      expect(ids).toEqual(['redacted redacted:0', 'redacted b2c7e1d4-opaque', 'identify short']);
      await journal.close();
    })();
  });

  it("catches Ana's identifiers however written, and nobody else's that merely look alike", () => {
    const mentions = mentionsOf({ ...ANA, messageIds: ['spring:1'] });
    const record = (event: Omit<TrackedEvent, 'messageId'>): JournalRecord => ({
      offset: 0,
      receivedAt: '2025-03-01T10:00:00.000Z',
      source: 'tracker',
      event: { messageId: 'b2c7e1d4-opaque', ...event },
    });
    const hers = [
      record({ type: 'form_submit', traits: { email: 'ANA@example.org' } }),
      record({ type: 'form_submit', traits: { phone: '+1 415-555-2671' } }),
      record({ type: 'form_submit', traits: { phone: '415.555.2671' } }),
      record({ type: 'track', properties: { note: 'call (415) 555 2671 after 5' } }),
      record({ type: 'page', context: { page: { url: 'https://shop.test/?tel=%2B14155552671' } } }),
      record({ type: 'page', context: { page: { url: 'https://shop.test/?e=ana%40example.org&x=1' } } }),
      record({ type: 'link_click', properties: { recipientMessageId: 'spring:1' } }),
      record({ type: 'identify', userId: '42' }),
      record({ type: 'page', anonymousId: 'v-ana-5d1c8e' }),
    ];
    const others = [
      record({ type: 'form_submit', traits: { email: 'diana@example.org' } }),
      record({ type: 'form_submit', traits: { email: 'ana@example.org.uk' } }),
      record({ type: 'link_click', properties: { recipientMessageId: 'spring:10' } }),
      record({ type: 'track', properties: { order: '984155552671003', quantity: 42 } }),
      record({ type: 'identify', userId: '420' }),
      record({ type: 'page', anonymousId: 'v-ana-5d1c8e-not', timestamp: '2025-03-01T10:00:00.000Z' }),
    ];
    expect(hers.map(mentions)).toEqual(hers.map(() => true));
    expect(others.map(mentions)).toEqual(others.map(() => false));
  });

  it('a rewrite cut short by a crash leaves no copy of her records behind after the next start', async () => {
    const dir = freshJournalDir();
    const journal = await open(dir);
    await journal.append([benPage()]);
    await journal.close();
    // What a crash between writing the temp file and renaming it leaves.
    writeFileSync(join(dir, '00000000000000000000.seg.4242.tmp'), 'ana@example.org');
    const reopened = await open(dir);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect((await readAll(reopened)).length).toBe(1);
    await reopened.close();
  });

  it('rewrites a segment file given as bytes, reserved zeros included, and refuses a damaged one', async () => {
    const dir = freshJournalDir();
    const journal = await open(dir);
    await journal.append([benPage(), ...anaEvents()]);
    await journal.close();
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.seg')) ?? '');
    const bytes = readFileSync(file);
    const withReserve = Buffer.concat([bytes, Buffer.alloc(4096)]);
    const rewritten = redactSegmentBytes(withReserve, mentionsOf(ANA));
    expect(rewritten?.redacted).toBe(6);
    expect(rewritten?.positions).toHaveLength(7);
    expect(
      redactSegmentBytes(
        bytes,
        mentionsOf({ ...ANA, emails: [], phones: [], visitorIds: [], userIds: [], messageIds: [] }),
      ),
    ).toBeUndefined();
    const damaged = Buffer.from(bytes);
    damaged[40] = (damaged[40] ?? 0) ^ 0xff;
    expect(() => redactSegmentBytes(damaged, mentionsOf(ANA))).toThrow(/checksum/);
  });
});
