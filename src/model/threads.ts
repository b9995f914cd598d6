/** A list of threads as rows: which columns, their cells, and the table's cut and drop policy. */
import type { TableOptions } from '../output/table.js';
import { tsvField } from '../output/format.js';
import { messageCount, str, threadUpdated } from './fields.js';

type Obj = Record<string, unknown>;

export interface ThreadColumns {
  header: string[];
  row: (t: Obj, hash: string) => string[];
  /** The same cells as one TSV line (escaped), built without the arrays: 100,000 rows piped. */
  tsv: (t: Obj, hash: string) => string;
  /** For renderTable on a terminal: what may be cut, and what is dropped first when cutting is not enough. */
  table: TableOptions;
}

/**
 * The thread_fid is what users copy into `threads show`: never cut, never dropped. The hash (the
 * CLI can compute it) goes first, then the time, the count and the user (contract, "On a terminal").
 */
export const THREAD_TABLE: TableOptions = {
  drop: ['HASH', 'UPDATED', 'MESSAGES', 'USER'],
  whole: ['THREAD_FID'],
  min: { HASH: 32, SUBJECT: 20, USER: 8, UPDATED: Number.POSITIVE_INFINITY },
  right: ['MESSAGES'],
};

/** Table columns: thread_fid and hash always, then whichever optional fields any thread carries. */
export function threadColumns(threads: readonly Obj[], o: { plain?: boolean } = {}): ThreadColumns {
  const has = (pred: (t: Obj) => boolean) => threads.some(pred);
  const subject = has((t) => str(t.subject) !== undefined);
  const user = has((t) => str(t.user_fid) !== undefined);
  const count = has((t) => messageCount(t) !== undefined);
  const updated = has((t) => threadUpdated(t) !== undefined);
  const header = ['THREAD_FID', 'HASH'];
  if (subject) header.push('SUBJECT');
  if (user) header.push('USER');
  if (count) header.push('MESSAGES');
  if (updated) header.push('UPDATED');
  const row = (t: Obj, hash: string): string[] => {
    const cells = [str(t.thread_fid) ?? '', hash];
    if (subject) cells.push(str(t.subject) ?? '');
    if (user) cells.push(str(t.user_fid) ?? '');
    if (count) cells.push(String(messageCount(t) ?? ''));
    if (updated) cells.push(threadUpdated(t) ?? '');
    return cells;
  };
  // `plain`: no string holds a tab, CR, LF or backslash, so nothing needs escaping. Joined rather
  // than concatenated: a joined line is one flat string, where `+=` leaves a tree of pieces per
  // line for the collector to copy until the final join.
  const esc = o.plain ? (v: string) => v : tsvField;
  const tsv = (t: Obj, hash: string): string => {
    const cells = [esc(str(t.thread_fid) ?? ''), hash];
    if (subject) cells.push(esc(str(t.subject) ?? ''));
    if (user) cells.push(esc(str(t.user_fid) ?? ''));
    if (count) cells.push(String(messageCount(t) ?? ''));
    if (updated) cells.push(esc(threadUpdated(t) ?? ''));
    return cells.join('\t');
  };
  return { header, row, tsv, table: THREAD_TABLE };
}
