import type { Command } from 'commander';
import { Option } from 'commander';
import type { Runner } from './types.js';
import { examples, nonNegativeInt, port } from './parse.js';

/** The global options that mean something to the sandbox; help lists only these. */
const SANDBOX_GLOBALS = new Set(['--no-color', '--quiet']);

export function registerSandbox(program: Command, run: Runner): void {
  const cmd = program.command('sandbox');
  // It serves the API rather than calling one: --profile, --base-url, --json, --timeout… do nothing here.
  cmd.configureHelp({
    ...cmd.configureHelp(),
    visibleGlobalOptions: (c) => c.parent!.options.filter((o) => !o.hidden && SANDBOX_GLOBALS.has(o.long ?? '')),
  });
  cmd
    .description('Run a local Gurusup API with sample threads, AI replies and webhooks')
    .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').default(8787).argParser(port))
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option(
      '--api-key <key>',
      'the key clients must send (default: gsk_sandbox_local, or the one kept in the --data file)',
    )
    .option('--webhook-url <url>', 'POST a send-message event here for every reply')
    .option('--data <file>', 'load state from this JSON file and save every change to it')
    .addOption(
      new Option('--latency <ms>', 'delay every answer, to feel like a remote API')
        .default(0)
        .argParser(nonNegativeInt),
    )
    .addHelpText(
      'after',
      examples(
        'gurusup sandbox',
        'gurusup sandbox --port 0 --webhook-url http://127.0.0.1:4000/',
        'gurusup sandbox --data sandbox.json --api-key gsk_sandbox_local_key',
      ),
    )
    .action(run(() => import('./sandbox-run.js').then((m) => m.sandbox)));
}
