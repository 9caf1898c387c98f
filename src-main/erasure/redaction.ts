// An erasure's journal half, as the bridge asks for it: every record mentioning one of the person's
// identifiers (or at one of the given offsets) becomes a redaction record, in segments, archives
// and quarantined bytes alike.
import type { EventJournal } from '../journal/types';
import type { RedactionReport, RedactionRequest } from '../shared/erasure';
import { mentionsOf } from './mentions';

export function redactJournal(
  journal: Pick<EventJournal, 'redact'>,
  request: RedactionRequest & { offsets?: readonly number[] | undefined },
): Promise<RedactionReport> {
  const mentions = mentionsOf(request);
  const offsets = new Set(request.offsets);
  const onlyOffsets =
    offsets.size > 0 &&
    [request.emails, request.phones, request.visitorIds, request.userIds, request.messageIds].every(
      (list) => list.length === 0,
    );
  return journal.redact(
    (record) => offsets.has(record.offset) || mentions(record),
    onlyOffsets ? [...offsets] : undefined,
    [...request.emails, ...request.phones, ...request.visitorIds, ...request.userIds, ...request.messageIds],
  );
}
