// The rejected rows of an import as a CSV the user can fix and import again: where each row was,
// why it was refused, and the row as it was read (neutralised like any export).
import Papa from 'papaparse';
import { neutralizeCell } from './export';
import type { RejectedRow } from './normalize';

export function rejectedRowsCsv(headers: readonly string[], rejected: readonly RejectedRow[]): string {
  const fields = ['Line', 'Reason', ...headers].map(neutralizeCell);
  const data = rejected.map((row) =>
    [String(row.line), row.reason, ...headers.map((_, i) => row.cells[i] ?? '')].map(neutralizeCell),
  );
  return `\uFEFF${Papa.unparse({ fields, data }, { newline: '\r\n', escapeFormulae: false })}\r\n`;
}
