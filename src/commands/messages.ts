import type { Command } from 'commander';
import type { Runner } from './types.js';
import { examples } from './parse.js';

export const MESSAGE_FIELDS = '_id, body, thread_fid, user_fid, lang, subject, is_customer_support_agent, created_at';

export function registerMessages(program: Command, run: Runner): void {
  const messages = program
    .command('messages')
    .description('Send messages and fetch them by id')
    .addHelpText(
      'after',
      examples(
        'gurusup messages send --thread order-1042 --user cust-anna --body "Hi"',
        'gurusup messages get 64b7f0c2a1b2c3d4e5f60718',
      ),
    );
  messages
    .command('send')
    .description("Send a message to a thread and print the system's reply")
    .option('--thread <fid>', 'thread_fid of the conversation (required)')
    .option('--user <fid>', 'user_fid of the sender (required)')
    .option('--body <text>', 'the message text')
    .option('--body-file <path>', 'read the message text from a file (- for stdin)')
    .option('--lang <code>', 'language code, e.g. en, es')
    .option('--subject <text>', 'subject of the thread')
    .option('--agent', 'sent by a support agent (is_customer_support_agent: true)')
    .addHelpText(
      'after',
      `\nJSON fields commonly present: ${MESSAGE_FIELDS}` +
        examples(
          'gurusup messages send --thread order-1042 --user cust-anna --body "Hi"',
          'echo "Hola" | gurusup messages send --thread t-9 --user u-1 --lang es',
          'gurusup messages send --thread t-9 --user ag-7 --agent --body-file a.txt',
        ),
    )
    .action(run(() => import('./messages-run.js').then((m) => m.send)));
  messages
    .command('get')
    .description('Fetch one message by its id')
    .argument('<message_id>', 'the message id (24-hex ObjectId or string id)')
    .addHelpText(
      'after',
      `\nJSON fields commonly present: ${MESSAGE_FIELDS}` +
        examples(
          'gurusup messages get 64b7f0c2a1b2c3d4e5f60718',
          'gurusup messages get 64b7f0c2a1b2c3d4e5f60718 --json body',
        ),
    )
    .action(run(() => import('./messages-run.js').then((m) => m.get)));
}
