import type { Command } from 'commander';
import { Option } from 'commander';
import type { Runner } from './types.js';
import { examples, port, positiveInt } from './parse.js';

export function registerWebhook(program: Command, run: Runner): void {
  const webhook = program
    .command('webhook')
    .description("Receive, send and replay Gurusup's send-message webhook events")
    .addHelpText(
      'after',
      examples(
        'gurusup webhook listen',
        'gurusup webhook trigger --to http://localhost:3000/hooks',
        'gurusup webhook verify http://localhost:3000/hooks',
      ),
    );
  webhook
    .command('listen')
    .description('Run a local endpoint that receives webhook events and prints them')
    .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').default(4000).argParser(port))
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--path <p>', 'URL path that receives events', '/')
    .option('--forward-to <url>', "also POST each event to your app's endpoint")
    .option('--record <file>', 'append each event to this NDJSON file before answering 200')
    .option('--count <n>', 'exit 0 after n accepted events', positiveInt)
    .option('--no-verify', 'accept events without checking x-api-key (loopback only)')
    .addOption(new Option('--max-body <bytes>', 'largest body accepted').default(1024 * 1024).argParser(positiveInt))
    .addOption(
      new Option('--inspect [port]', 'also serve a local inspector web page (port 4040; 0 picks a free one)').argParser(
        port,
      ),
    )
    .addHelpText(
      'after',
      examples(
        'gurusup webhook listen',
        'gurusup webhook listen --json | jq .data.body',
        'gurusup webhook listen --forward-to http://localhost:3000/hooks',
        'gurusup webhook listen --record events.ndjson',
        'gurusup webhook listen --port 0 --count 1 --json > event.json',
        'gurusup webhook listen --forward-to http://localhost:3000/hooks --inspect',
      ),
    )
    .action(run(() => import('./webhook-run.js').then((m) => m.listen)));
  webhook
    .command('trigger')
    .description('POST a sample send-message event to your endpoint')
    .requiredOption('--to <url>', 'your endpoint')
    .option('--thread <fid>', 'thread_fid of the sample message', 'sample-thread')
    .option('--user <fid>', 'user_fid of the sample message', 'sample-user')
    .option('--body <text>', 'text of the sample message', 'Hello from gurusup webhook trigger')
    .addHelpText(
      'after',
      examples(
        'gurusup webhook trigger --to http://localhost:3000/hooks',
        'gurusup webhook trigger --to http://127.0.0.1:4000/ --body "Hi there"',
      ),
    )
    .action(run(() => import('./webhook-run.js').then((m) => m.trigger)));
  webhook
    .command('replay')
    .description('Re-send events recorded by listen --record, in order')
    .argument('<file>', 'NDJSON file written by --record (or by listen --json)')
    .requiredOption('--to <url>', 'your endpoint')
    .addHelpText('after', examples('gurusup webhook replay events.ndjson --to http://localhost:3000/hooks'))
    .action(run(() => import('./webhook-run.js').then((m) => m.replay)));
  webhook
    .command('verify')
    .description('Check your webhook receiver against the contract: six probes, each graded')
    .argument('<url>', 'your endpoint')
    .addHelpText(
      'after',
      '\nProbes: a valid event (2xx), the same event again (2xx), a wrong x-api-key (401/403),\n' +
        'no x-api-key (401/403), emoji + right-to-left text + 10,000 characters (2xx), a body that is not JSON (4xx).\n' +
        'Each waits --timeout seconds (default 10). Exit 0 when all pass, 1 when any fails, 5 when nothing answers.' +
        examples(
          'gurusup webhook verify http://localhost:3000/hooks',
          'gurusup webhook verify https://example.com/gurusup --timeout 5',
          'gurusup webhook verify http://localhost:3000/hooks --json probe,pass',
        ),
    )
    .action(run(() => import('./webhook-verify.js').then((m) => m.verify)));
}
