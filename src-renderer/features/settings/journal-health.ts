// The journal's health in a marketer's words: whether events are being saved right now, and what
// damage found in the journal's files cost. Shared by the status bar and Settings → Maintenance.
import type { CollectorStatus, JournalDamageReport, JournalFault } from '../../../src-main/shared/collector';
import { formatCount, formatDateTime } from '../../ui/format';

type JournalStatus = CollectorStatus['journal'];

/** Events a report says were lost (0 when the damage cost none). */
export function lostEvents(report: JournalDamageReport): number {
  return report.lostOffsets ? report.lostOffsets.to - report.lostOffsets.from + 1 : 0;
}

/** One line for the status bar while the journal cannot save events; null when it can. */
export function faultLine(fault: JournalFault | undefined): string | null {
  if (!fault) return null;
  return `Events are not being saved: ${fault.cause}, since ${formatDateTime(Date.parse(fault.since))}. Senders are told to retry.`;
}

/** One line for the status bar when damage was found; null when there is none. */
export function damageLine(journal: JournalStatus): string | null {
  const reports = journal.damage ?? [];
  if (reports.length === 0) return null;
  const lost = reports.reduce((sum, report) => sum + lostEvents(report), 0);
  const what = lost === 0 ? 'no events lost' : `${formatCount(lost)} ${lost === 1 ? 'event' : 'events'} lost`;
  return `Journal damage found: ${what}. See Settings → Maintenance.`;
}

/** What a fault means for the user, for the Maintenance page. */
export function faultExplanation(fault: JournalFault): string {
  return (
    `Since ${formatDateTime(Date.parse(fault.since))} the journal cannot save events: ${fault.cause} ` +
    `(${formatCount(fault.failures)} failed ${fault.failures === 1 ? 'attempt' : 'attempts'}). Websites and apps ` +
    'are told to send their events again a little later, so none are lost yet; tracked links still open, ' +
    'but those visits cannot be linked to a contact. Saving resumes by itself once the cause is fixed, ' +
    'for example when disk space is freed.'
  );
}

/** A damage report as sentences: what was lost, when, and where the damaged bytes are. */
export function damageExplanation(report: JournalDamageReport): {
  title: string;
  text: string;
  detail: string;
} {
  const lost = lostEvents(report);
  const title =
    lost === 0
      ? 'Damaged data set aside, no events lost'
      : `${formatCount(lost)} ${lost === 1 ? 'event' : 'events'} lost to damage in the journal`;
  const applied =
    lost === 0
      ? ''
      : report.lostButApplied >= lost
        ? ' They had already reached your contacts and visitors, so nothing is missing there; only a rebuild of the store would lack them.'
        : report.lostButApplied > 0
          ? ` ${formatCount(report.lostButApplied)} of them had already reached your contacts and visitors; the others never will.`
          : ' They had not reached your contacts and visitors yet, and now never will.';
  const found = `Found on ${formatDateTime(Date.parse(report.detectedAt))} when the app started.`;
  const kept = report.quarantineFile
    ? ` The damaged data was moved to ${report.quarantineFile}; everything else in the journal was kept.`
    : ' Everything else in the journal was kept.';
  const where = [
    `journal file ${report.segment}`,
    report.bytes ? `bytes ${report.bytes.from}–${report.bytes.to}` : '',
    report.lostOffsets ? `events #${report.lostOffsets.from}–#${report.lostOffsets.to}` : '',
    report.reason,
  ]
    .filter(Boolean)
    .join(' · ');
  return { title, text: `${found}${applied}${kept}`, detail: where };
}
