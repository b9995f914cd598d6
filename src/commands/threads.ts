import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Runner } from './types.js';
import { examples, positiveInt } from './parse.js';
import type { Deps } from '../deps.js';

/** Above 2^31-1 ms a timer fires at once: --interval 3000000 would poll in a tight loop. */
const MAX_INTERVAL_S = 2_147_483;

/** --interval's parser: at least `floor` seconds (1; tests poll faster through main()'s deps). */
const interval =
  (floor: number) =>
  (value: string): number => {
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) < floor)
      throw new InvalidArgumentError(`expected a number of seconds, ${floor} or more.`);
    if (Number(value) > MAX_INTERVAL_S)
      throw new InvalidArgumentError(`at most ${MAX_INTERVAL_S} seconds (about 24 days).`);
    return Number(value);
  };

/** What GET /threads objects carry (a count, not the messages) and what GET /threads/<hash> adds. */
export const LIST_FIELDS = 'thread, thread_fid, subject, user_fid, message_count, created_at, updated_at';
export const THREAD_FIELDS = 'thread, thread_fid, subject, user_fid, lang, messages, created_at, updated_at';

export function registerThreads(program: Command, run: Runner, deps: Deps = {}): void {
  const threads = program
    .command('threads')
    .description('List and read conversation threads')
    .addHelpText(
      'after',
      examples(
        'gurusup threads list',
        'gurusup threads show order-1042',
        'gurusup threads export --out threads.ndjson',
      ),
    );
  threads
    .command('list')
    .description("List the organization's threads")
    .option('--user <fid>', 'only threads whose user_fid is this')
    .option('--since <when>', 'only threads updated at or after: ISO date/time or 90m, 36h, 7d, 2w ago')
    .option('--until <when>', 'only threads updated at or before: ISO date/time or a duration ago')
    .option('--grep <text>', 'only threads whose thread_fid or subject contains text (any case)')
    .addOption(
      new Option('--sort <key>', 'order by updated or created (newest first) or fid (A-Z)').choices([
        'updated',
        'created',
        'fid',
      ]),
    )
    .option('--reverse', 'reverse the order')
    .option('--limit <n>', 'show at most n threads (after filters and sort)', positiveInt)
    .addHelpText(
      'after',
      `\nFilters and sort run in the CLI, after the one request, before --limit.\nJSON fields commonly present: ${LIST_FIELDS}` +
        examples(
          'gurusup threads list',
          'gurusup threads list --since 1d --grep refund',
          'gurusup threads list --user cust-anna --sort updated --limit 10',
          'gurusup threads list --since 2026-11-01 --until 2026-11-08 --sort fid',
          'gurusup threads list | cut -f1',
          'gurusup threads list --json thread_fid,subject',
        ),
    )
    .action(run(() => import('./threads-run.js').then((m) => m.list)));
  threads
    .command('show')
    .description('Show a thread and its messages as a transcript')
    .argument('<thread>', 'the thread_fid (or, with --hash, its MD5 hash)')
    .option('--hash', 'the argument is already the 32-hex thread hash')
    .option('--no-pager', 'never page a long transcript on a terminal (also GURUSUP_PAGER=cat)')
    .option('-f, --follow', 'keep printing new messages as they arrive (Ctrl-C stops)')
    .option(
      '--interval <seconds>',
      'seconds between polls with --follow (default 3, minimum 1)',
      interval(deps.minIntervalS ?? 1),
    )
    .addHelpText(
      'after',
      `\nJSON fields commonly present: ${THREAD_FIELDS}` +
        examples(
          'gurusup threads show order-1042',
          'gurusup threads show order-1042 --follow',
          "gurusup threads show order-1042 -f --json | jq -r 'select(.body) | .body'",
          'gurusup threads show 6c59b9f593912b12a43c39bbaadbb2ed --hash',
          'gurusup threads show order-1042 --json messages',
        ),
    )
    .action(run(() => import('./threads-run.js').then((m) => m.show)));
  threads
    .command('export')
    .description('Write every thread with all its messages as NDJSON')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--concurrency <n>', 'threads fetched at once (default 8)', positiveInt)
    .option('--resume', 'skip threads already in --out and append the rest')
    .option('--force', 'overwrite an existing --out file')
    .addHelpText(
      'after',
      examples(
        'gurusup threads export --out threads.ndjson',
        'gurusup threads export --out threads.ndjson --resume',
        "gurusup threads export | jq -c '{fid: .thread_fid, n: (.messages | length)}'",
      ),
    )
    .action(run(() => import('./threads-export.js').then((m) => m.exportThreads)));
}
