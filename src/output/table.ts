import { Table } from '../vendor/cli-table3.js';
import { tsvField } from './format.js';

/** A borderless, gh-style table for terminals. */
export function renderTable(header: string[], rows: string[][], bold: (s: string) => string): string {
  const t = new Table({
    head: header.map((h) => bold(h)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
      'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  // Escaped like TSV so a newline or tab inside a cell cannot break the rows.
  for (const r of rows) t.push(r.map(tsvField));
  return `${t.toString().split('\n').map((l) => l.trimEnd()).join('\n')}\n`;
}
