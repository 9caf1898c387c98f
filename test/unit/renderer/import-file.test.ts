// Reading contacts files: CSV edge cases (BOM, delimiters, quoted newlines, blank lines, CRLF, wide
// files), JSON arrays, strict UTF-8 with the bad byte's place, and the line each record starts on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeContactsFile } from '../../../src-renderer/contacts-io/decode';
import {
  ContactsFileError,
  detectFormat,
  previewContactsFile,
  readRecords,
  type SourceRecord,
} from '../../../src-renderer/contacts-io/source';

const records = (text: string, format: 'csv' | 'json' = 'csv'): SourceRecord[] => {
  const table = previewContactsFile(text, format);
  const out: SourceRecord[] = [];
  readRecords(text, table, (record) => out.push(record));
  return out;
};

describe('CSV files', () => {
  it('drops a UTF-8 byte order mark so the first header is read as written', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Email,Name\na@b.co,Ann\n')]);
    const decoded = decodeContactsFile(bytes);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(previewContactsFile(decoded.text, 'csv').headers).toEqual(['Email', 'Name']);
    // Also when the BOM survives as text (a string handed over by another reader).
    expect(previewContactsFile('\uFEFFEmail,Name\n', 'csv').headers).toEqual(['Email', 'Name']);
  });

  it.each([
    ['semicolons', ';'],
    ['tabs', '\t'],
    ['pipes', '|'],
    ['commas', ','],
  ])('detects %s as the delimiter', (_name, delimiter) => {
    const text =
      ['Name', 'Email', 'Phone'].join(delimiter) +
      '\n' +
      ['Ann Lee', 'ann@x.co', '+14155552671'].join(delimiter) +
      '\n';
    const table = previewContactsFile(text, 'csv');
    expect(table.delimiter).toBe(delimiter);
    expect(table.headers).toEqual(['Name', 'Email', 'Phone']);
    expect(records(text)[0]?.cells).toEqual(['Ann Lee', 'ann@x.co', '+14155552671']);
  });

  it('keeps quoted fields with embedded newlines and CRLF, and reports the line each record starts on', () => {
    const text =
      'Name,Note,Email\r\n"Ann","one\r\ntwo\r\nthree",ann@x.co\r\n\r\n   \r\nBob,"say ""hi""",bob@x.co\r\nCy,,cy@x.co';
    const read = records(text);
    expect(read.map((r) => r.cells)).toEqual([
      ['Ann', 'one\r\ntwo\r\nthree', 'ann@x.co'],
      ['Bob', 'say "hi"', 'bob@x.co'],
      ['Cy', '', 'cy@x.co'],
    ]);
    expect(read.map((r) => r.where)).toEqual(['line 2', 'line 7', 'line 8']);
  });

  it('reads the S11 fixture with its line numbers', () => {
    const text = readFileSync(join(__dirname, '../../fixtures/contacts-s11.csv'), 'utf8');
    const read = records(text);
    expect(read.map((r) => r.line)).toEqual([2, 3, 5, 6, 8, 9, 10]);
    expect(read[3]?.cells[0]).toBe('=HYPERLINK("http://evil.example","click")');
  });

  it('reads a 30-column file cell for cell', () => {
    const headers = Array.from({ length: 30 }, (_, i) => `Field ${i + 1}`);
    const row = Array.from({ length: 30 }, (_, i) => `v${i + 1}`);
    const text = `${headers.join(',')}\n${row.join(',')}\n`;
    expect(previewContactsFile(text, 'csv').headers).toHaveLength(30);
    expect(records(text)[0]?.cells).toEqual(row);
  });

  it('flags rows with more fields than the header and unterminated quotes, instead of guessing', () => {
    const read = records('Name,Email\nAnn,ann@x.co,extra\nBob,bob@x.co,\n"Cy,cy@x.co\n');
    expect(read[0]?.problem).toBe('has 3 fields but the header has 2');
    expect(read[1]?.problem).toBeUndefined(); // a trailing empty field is harmless
    expect(read[2]?.problem).toBe('has a quoted field that is never closed');
  });

  it('refuses an empty file', () => {
    expect(() => previewContactsFile('\n\n', 'csv')).toThrow(ContactsFileError);
  });
});

describe('invalid UTF-8', () => {
  it('is reported with the offset and line of the first bad byte', () => {
    const head = new TextEncoder().encode('Name,Email\nZoë,zoe@x.co\nJos');
    // "José" saved as Latin-1: 0xE9 is not UTF-8 on its own.
    const bytes = new Uint8Array([...head, 0xe9, ...new TextEncoder().encode(',jose@x.co\n')]);
    const decoded = decodeContactsFile(bytes);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.offset).toBe(head.length);
    expect(decoded.line).toBe(3);
    expect(decoded.message).toContain(`byte ${head.length} (line 3)`);
  });

  it('finds truncated sequences and overlong forms too, and accepts a real U+FFFD', () => {
    const truncated = decodeContactsFile(new Uint8Array([0x41, 0x0a, 0xe2, 0x82]));
    expect(truncated.ok ? null : [truncated.offset, truncated.line]).toEqual([2, 2]);
    const overlong = decodeContactsFile(new Uint8Array([0x41, 0xc0, 0xaf]));
    expect(overlong.ok ? null : overlong.offset).toBe(1);
    expect(decodeContactsFile(new TextEncoder().encode('a\uFFFDb')).ok).toBe(true);
  });
});

describe('JSON files', () => {
  it('reads an array of objects, flattening nested fields to dotted columns', () => {
    const text = JSON.stringify([
      {
        firstName: 'Ann',
        email: 'ann@x.co',
        tags: ['vip', 'spring'],
        consent: { sms: true },
        custom: { plan: 'pro' },
      },
      { firstName: 'Bob', phone: '+14155552671' },
      'not a contact',
    ]);
    expect(detectFormat('people.json', text)).toBe('json');
    expect(detectFormat('people', text)).toBe('json');
    const table = previewContactsFile(text, 'json');
    expect(table.headers).toEqual(['firstName', 'email', 'tags', 'consent.sms', 'custom.plan', 'phone']);
    const read = records(text, 'json');
    expect(read[0]?.cells).toEqual(['Ann', 'ann@x.co', 'vip; spring', 'true', 'pro', '']);
    expect(read[1]?.cells).toEqual(['Bob', '', '', '', '', '+14155552671']);
    expect(read[2]).toMatchObject({ where: 'item 3', problem: 'is not an object' });
  });

  it('refuses JSON that is not an array', () => {
    expect(() => previewContactsFile('{"email":"a@b.co"}', 'json')).toThrow(/array of contact objects/);
    expect(() => previewContactsFile('[{"a":', 'json')).toThrow(/not valid JSON/);
  });
});
