import type { Command } from 'commander';
import type { Runner } from './types.js';
import { examples, positiveInt } from './parse.js';

/** What GET /threads objects carry (a count, not the messages) and what GET /threads/<hash> adds. */
export const LIST_FIELDS = 'thread, thread_fid, subject, user_fid, message_count, created_at, updated_at';
export const THREAD_FIELDS = 'thread, thread_fid, subject, user_fid, lang, messages, created_at, updated_at';

export function registerThreads(program: Command, run: Runner): void {
  const threads = program
    .command('threads')
    .description('List and read conversation threads')
    .addHelpText('after', examples('gurusup threads list', 'gurusup threads show order-1234', 'gurusup threads export --out threads.ndjson'));
  threads
    .command('list')
    .description("List the organization's threads")
    .option('--limit <n>', 'show at most n threads', positiveInt)
    .addHelpText('after', `\nJSON fields commonly present: ${LIST_FIELDS}` +
      examples('gurusup threads list', 'gurusup threads list --limit 20', "gurusup threads list | cut -f1", 'gurusup threads list --json thread_fid,subject'))
    .action(run(() => import('./threads-run.js').then((m) => m.list)));
  threads
    .command('show')
    .description('Show a thread and its messages as a transcript')
    .argument('<thread>', 'the thread_fid (or, with --hash, its MD5 hash)')
    .option('--hash', 'the argument is already the 32-hex thread hash')
    .addHelpText('after', `\nJSON fields commonly present: ${THREAD_FIELDS}` +
      examples('gurusup threads show order-1234', 'gurusup threads show 5d41402abc4b2a76b9719d911017c592 --hash', 'gurusup threads show order-1234 --json messages'))
    .action(run(() => import('./threads-run.js').then((m) => m.show)));
  threads
    .command('export')
    .description('Write every thread with all its messages as NDJSON')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--concurrency <n>', 'threads fetched at once (default 8)', positiveInt)
    .option('--resume', 'skip threads already in --out and append the rest')
    .addHelpText(
      'after',
      examples('gurusup threads export --out threads.ndjson', 'gurusup threads export --out threads.ndjson --resume', 'gurusup threads export | jq -c \'{fid: .thread_fid, n: (.messages | length)}\''),
    )
    .action(run(() => import('./threads-export.js').then((m) => m.exportThreads)));
}
