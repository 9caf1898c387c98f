// What the status bar and Settings → Maintenance say about the journal: a fault names its cause and
// that senders retry; damage says how many events were lost, whether contacts still have them, and
// where the damaged data went.
import { describe, expect, it } from 'vitest';
import type { CollectorStatus, JournalDamageReport } from '../../../src-main/shared/collector';
import {
  damageExplanation,
  damageLine,
  faultExplanation,
  faultLine,
} from '../../../src-renderer/features/settings/journal-health';

const journal = (damage?: JournalDamageReport[]): CollectorStatus['journal'] => ({
  bytes: 1000,
  segments: 2,
  lastOffset: 40,
  ackedOffset: 40,
  lag: 0,
  ...(damage ? { damage } : {}),
});

const report = (fields: Partial<JournalDamageReport>): JournalDamageReport => ({
  detectedAt: '2026-12-01T09:30:00.000Z',
  segment: '00000000000000000000.seg',
  reason: 'checksum mismatch',
  bytes: { from: 231, to: 446 },
  lostButApplied: 0,
  quarantineFile: '/data/journal/quarantine/00000000000000000000-231.bin',
  ...fields,
});

describe('journal health wording', () => {
  it('says nothing when events are saved and no damage was found', () => {
    expect(faultLine(undefined)).toBeNull();
    expect(damageLine(journal())).toBeNull();
    expect(damageLine(journal([]))).toBeNull();
  });

  it('a fault names its cause and says senders retry and saving resumes by itself', () => {
    const fault = {
      cause: 'the disk is full (ENOSPC)',
      code: 'ENOSPC',
      since: '2026-12-01T09:30:00.000Z',
      failures: 3,
    };
    expect(faultLine(fault)).toMatch(
      /^Events are not being saved: the disk is full \(ENOSPC\), since .+\. Senders are told to retry\.$/,
    );
    const text = faultExplanation(fault);
    expect(text).toContain('the disk is full (ENOSPC)');
    expect(text).toContain('3 failed attempts');
    expect(text).toMatch(/resumes by itself/);
    expect(text).toMatch(/tracked links still open/);
  });

  it('damage counts the events lost over every report and points to Maintenance', () => {
    const status = journal([
      report({ lostOffsets: { from: 5, to: 5 } }),
      report({ lostOffsets: { from: 10, to: 13 }, bytes: { from: 900, to: 1400 } }),
      report({ bytes: { from: 0, to: 16 } }),
    ]);
    expect(damageLine(status)).toBe('Journal damage found: 5 events lost. See Settings → Maintenance.');
    expect(damageLine(journal([report({})]))).toBe(
      'Journal damage found: no events lost. See Settings → Maintenance.',
    );
  });

  it('a report says what was lost, whether contacts already have it, and where the damaged data is', () => {
    const lostOne = damageExplanation(report({ lostOffsets: { from: 5, to: 5 } }));
    expect(lostOne.title).toBe('1 event lost to damage in the journal');
    expect(lostOne.text).toMatch(/^Found on .+ when the app started\./);
    expect(lostOne.text).toContain('had not reached your contacts and visitors yet');
    expect(lostOne.text).toContain('moved to /data/journal/quarantine/00000000000000000000-231.bin');
    expect(lostOne.detail).toBe(
      'journal file 00000000000000000000.seg · bytes 231–446 · events #5–#5 · checksum mismatch',
    );

    const applied = damageExplanation(report({ lostOffsets: { from: 4, to: 7 }, lostButApplied: 4 }));
    expect(applied.title).toBe('4 events lost to damage in the journal');
    expect(applied.text).toContain('already reached your contacts and visitors, so nothing is missing there');

    const partly = damageExplanation(report({ lostOffsets: { from: 4, to: 7 }, lostButApplied: 1 }));
    expect(partly.text).toContain('1 of them had already reached your contacts');

    const missingFile = damageExplanation(
      report({
        lostOffsets: { from: 4, to: 7 },
        bytes: undefined,
        quarantineFile: undefined,
        reason: 'the segment file holding these offsets is missing from the journal folder',
      }),
    );
    expect(missingFile.text).not.toContain('moved to');
    expect(missingFile.detail).not.toContain('bytes');
    expect(damageExplanation(report({})).title).toBe('Damaged data set aside, no events lost');
  });
});
