import type { Command } from 'commander';
import type { Runner } from './types.js';
import { examples } from './parse.js';
import { CHAT_USER } from './chat-send.js';

export function registerChat(program: Command, run: Runner): void {
  program
    .command('chat')
    .description("Talk to your organization's AI as a customer would")
    .option(
      '--thread <fid>',
      'continue this thread (its last 5 messages are shown first); default: a new chat-<user>-<time> thread',
    )
    .option('--user <fid>', 'user_fid the messages are sent as', CHAT_USER)
    .option('--lang <code>', 'lang of every message (e.g. en, es)')
    .option('--agent', 'send as a support agent (no automatic reply); /agent toggles it')
    .addHelpText(
      'after',
      '\nOn a terminal: type a message and press Enter; end a line with \\ to continue it on the next.\n' +
        'Commands: /help /new /thread /show /agent /exit (or Ctrl-D). Ctrl-C stops waiting for a reply;\n' +
        'at an empty prompt it exits. Not a terminal: each stdin line is one message, each reply body one\n' +
        'line on stdout (--json: the reply objects, NDJSON); the first failing send ends the run.' +
        examples(
          'gurusup chat',
          'gurusup chat --thread order-1042 --user cust-anna',
          'gurusup chat --lang es',
          "printf 'Hi\\nWhere is my parcel?\\n' | gurusup chat --json | jq -r .body",
        ),
    )
    .action(run(() => import('./chat-run.js').then((m) => m.chat)));
}
