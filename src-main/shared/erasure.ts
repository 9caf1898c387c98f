// What erasing a person asks of the main process: keyed hashes of her identifiers, and her records
// replaced in the journal. Types only.

/** The kinds of identifier an erasure remembers (as keyed hashes) and removes from the journal. */
export type IdentifierKind = 'email' | 'phone' | 'userId' | 'visitor' | 'message';

export interface IdentifierToHash {
  kind: IdentifierKind;
  value: string;
}

/**
 * An erased person's identifiers, in canonical form (lower-case emails, E.164 phones): every journal
 * record whose event mentions one of them is replaced by a redaction record.
 */
export interface RedactionRequest {
  emails: string[];
  phones: string[];
  visitorIds: string[];
  userIds: string[];
  /** Ids of her campaign messages, as link clicks and previews carry them (`recipientMessageId`). */
  messageIds: string[];
  /**
   * Records the store found naming an erased person after her erasure (new copies of her events):
   * redacted whatever they hold. Only the segments holding them are rewritten.
   */
  offsets?: number[];
}

export interface RedactionReport {
  /** Records replaced by redaction records. */
  records: number;
  /** Segment files rewritten. */
  segments: number;
}
