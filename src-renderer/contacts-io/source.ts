// Reading a contacts file as a table: CSV with any common delimiter (comma, semicolon, tab, pipe),
// quoted fields spanning lines and CRLF, via papaparse; or JSON, an array of objects flattened to
// dotted columns. Every record keeps where it came from ("line 7", "item 3") for error reports.
import Papa from 'papaparse';
import { stripBom } from './decode';

export type FileFormat = 'csv' | 'json';

export interface SourceTable {
  format: FileFormat;
  /** CSV only: the detected delimiter. */
  delimiter: string;
  headers: string[];
  /** The first records, for the preview. */
  sample: string[][];
}

export interface SourceRecord {
  cells: string[];
  /** 1-based: the CSV line the record starts on, or the JSON item's position. */
  line: number;
  /** "line 7" or "item 7". */
  where: string;
  /** Why the record cannot be read as it stands (unterminated quote, not an object…). */
  problem?: string;
}

/** A file that cannot be read as a table at all. */
export class ContactsFileError extends Error {}

const DELIMITERS = [',', ';', '\t', '|'];
const SAMPLE_ROWS = 8;

export function detectFormat(fileName: string, text: string): FileFormat {
  if (/\.json$/i.test(fileName)) return 'json';
  if (/\.(csv|tsv|txt)$/i.test(fileName)) return 'csv';
  return stripBom(text).trimStart().startsWith('[') ? 'json' : 'csv';
}

export function previewContactsFile(text: string, format: FileFormat): SourceTable {
  return format === 'json' ? previewJson(text) : previewCsv(text);
}

function previewCsv(raw: string): SourceTable {
  const text = stripBom(raw);
  const result = Papa.parse<string[]>(text, {
    preview: SAMPLE_ROWS + 1,
    skipEmptyLines: 'greedy',
    delimitersToGuess: DELIMITERS,
  });
  const [header, ...sample] = result.data;
  if (!header || header.every((cell) => cell.trim() === '')) {
    throw new ContactsFileError('The file is empty: the first line should name the columns.');
  }
  return { format: 'csv', delimiter: result.meta.delimiter, headers: header.map((h) => h.trim()), sample };
}

function previewJson(text: string): SourceTable {
  const items = parseJsonItems(text);
  const headers = jsonHeaders(items);
  if (headers.length === 0) throw new ContactsFileError('The JSON file has no contact fields.');
  const sample = items.slice(0, SAMPLE_ROWS).map((item) => jsonCells(item, headers));
  return { format: 'json', delimiter: '', headers, sample };
}

/**
 * Calls `onRecord` for each record after the header row, in order. Synchronous: run it in a worker
 * for big files (the import does).
 */
export function readRecords(
  text: string,
  table: Pick<SourceTable, 'format' | 'delimiter' | 'headers'>,
  onRecord: (record: SourceRecord) => void,
): void {
  if (table.format === 'json') {
    parseJsonItems(text).forEach((item, index) => {
      const where = `item ${index + 1}`;
      if (!isPlainObject(item)) {
        onRecord({ cells: [], line: index + 1, where, problem: 'is not an object' });
        return;
      }
      onRecord({ cells: jsonCells(item, table.headers), line: index + 1, where });
    });
    return;
  }
  readCsvRecords(stripBom(text), table.delimiter, table.headers.length, onRecord);
}

function readCsvRecords(
  text: string,
  delimiter: string,
  width: number,
  onRecord: (record: SourceRecord) => void,
): void {
  // papaparse reports where each record ends (cursor); counting line breaks between cursors gives
  // the line each record starts on, even with quoted fields spanning lines and skipped blank lines.
  const lineBreak = text.includes('\n') ? '\n' : '\r';
  let position = 0;
  let line = 1;
  let header = true;
  const advanceTo = (to: number): void => {
    for (let i = position; i < to; i++) if (text[i] === lineBreak) line += 1;
    position = Math.max(position, to);
  };
  Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: 'greedy',
    step: (result) => {
      // Blank lines before the record were skipped: its first line is after them.
      let start = position;
      while (start < text.length && /\s/.test(text[start] ?? '')) start += 1;
      advanceTo(start);
      const startLine = line;
      advanceTo(result.meta.cursor);
      if (header) {
        header = false;
        return;
      }
      const cells = result.data;
      const record: SourceRecord = {
        cells: cells.slice(0, width),
        line: startLine,
        where: `line ${startLine}`,
      };
      const problem = result.errors.find((e) => e.type === 'Quotes');
      if (problem) {
        record.problem = 'has a quoted field that is never closed';
      } else if (cells.slice(width).some((cell) => cell.trim() !== '')) {
        record.problem = `has ${cells.length} fields but the header has ${width}`;
      }
      onRecord(record);
    },
  });
}

function parseJsonItems(raw: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripBom(raw));
  } catch (error) {
    throw new ContactsFileError(`The file is not valid JSON (${(error as Error).message}).`);
  }
  if (!Array.isArray(parsed)) {
    throw new ContactsFileError('The JSON file should be an array of contact objects ([{…}, {…}]).');
  }
  return parsed;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Nested objects become dotted columns (`consent.sms`, `custom.plan`); arrays become "a; b". */
function flatten(
  item: Record<string, unknown>,
  prefix = '',
  into: Map<string, string> = new Map(),
): Map<string, string> {
  for (const [key, value] of Object.entries(item)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value)) flatten(value, name, into);
    else if (Array.isArray(value)) into.set(name, value.map((v) => cellText(v)).join('; '));
    else into.set(name, cellText(value));
  }
  return into;
}

const cellText = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

function jsonHeaders(items: unknown[]): string[] {
  const headers = new Set<string>();
  for (const item of items) if (isPlainObject(item)) for (const key of flatten(item).keys()) headers.add(key);
  return [...headers];
}

function jsonCells(item: unknown, headers: string[]): string[] {
  const flat = isPlainObject(item) ? flatten(item) : new Map<string, string>();
  return headers.map((header) => flat.get(header) ?? '');
}
