import type { Command } from 'commander';
import type { Runner } from './types.js';
import { examples } from './parse.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerApi(program: Command, run: Runner): void {
  program
    .command('api')
    .description('Make an authenticated request to any API path and print the response')
    .argument('<path>', 'path under the base URL, e.g. /threads')
    .option('-X, --method <method>', 'HTTP method (default GET, or POST with -f/-F/--input)')
    .option('-f, --field <key=value>', 'add a string field to a JSON body (repeatable)', collect)
    .option(
      '-F, --typed-field <key=value>',
      'add a field parsed as JSON when it can be (true, 42, null, {"a":1})',
      collect,
    )
    .option('--input <file>', 'raw request body from a file (- for stdin)')
    .option('-H, --header <name: value>', 'add a request header (repeatable)', collect)
    .option('-i, --include', 'print the status line and response headers on stderr')
    .addHelpText(
      'after',
      examples(
        'gurusup api /threads',
        'gurusup api /messages -f body=Hello -f thread_fid=t-1 -f user_fid=u-1',
        'gurusup api /settings -X PATCH -F enabled=true -F limit=10',
        'gurusup api /messages --input message.json -i',
        'gurusup api /threads/6c59b9f593912b12a43c39bbaadbb2ed --json thread_fid',
      ),
    )
    .action(run(() => import('./api-run.js').then((m) => m.api)));
}
