import type { Command } from 'commander';
import type { Terminal } from '../terminal/terminal.js';
import { VALUE_OPTIONS } from '../global-options.js';
import { fitHelp } from '../output/help-fit.js';
import { TOPICS, isTopic, topicText, type Topic } from './topics.js';
import { suggest } from './suggest.js';

/** The first word of argv that is not an option (or an option's value), and its index. */
function firstWord(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return i;
  }
  return -1;
}

/**
 * What `gurusup help <word>` asks for: a topic, a word that is neither a topic nor a command (a
 * usage error, like `gurusup <typo>`), or undefined when Commander's help handles it.
 */
export function helpRequest(
  argv: readonly string[],
  program: Command,
): { topic?: Topic; unknown?: string } | undefined {
  const at = firstWord(argv);
  if (at < 0 || argv[at] !== 'help') return undefined;
  const rest = argv.slice(at + 1);
  const word = rest[firstWord(rest)];
  if (word === undefined) return undefined;
  if (isTopic(word)) return { topic: word };
  // `help` itself is Commander's implicit command, not in program.commands.
  if (word === 'help' || program.commands.some((c) => c.name() === word || c.aliases().includes(word)))
    return undefined;
  return { unknown: word };
}

/** The usage error for `gurusup help <word>`, in Commander's form (usageErrorText renders it). */
export function unknownHelpWord(word: string, program: Command): string {
  const names = [...program.commands.map((c) => c.name()), ...Object.keys(TOPICS)];
  const close = suggest(word, names);
  // Worded like `gurusup <typo>` when a command is meant; a topic's typo names the topics.
  const what = close.some(isTopic) ? 'help topic' : close.length ? 'command' : 'command or help topic';
  const hint = close.length
    ? `(Did you mean ${close.join(', ')}?)`
    : 'run gurusup help to see the commands and help topics';
  return `error: unknown ${what} '${word}'\n${hint}\n`;
}

/** `gurusup version` is not a command; say what is. Undefined for any other command line. */
export function versionWord(argv: readonly string[]): string | undefined {
  const at = firstWord(argv);
  return at >= 0 && argv[at] === 'version' && !argv.includes('--help') && !argv.includes('-h')
    ? "error: unknown command 'version'\nto print the version, run gurusup --version\n"
    : undefined;
}

/** A help topic, fitted to the terminal (80 columns elsewhere), through the pager on a terminal. */
export async function showTopic(term: Terminal, topic: Topic, noPager: boolean): Promise<void> {
  const { page } = await import('../output/pager.js');
  await page(term, fitHelp(topicText(topic), term.helpWidth()), noPager);
}
