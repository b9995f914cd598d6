import type { Command } from 'commander';
import { VALUE_OPTIONS } from '../global-options.js';

/** Commander's parser wording, said in our voice (the rest of the CLI's errors read this way). */
const REWRITES: Array<[RegExp, (...m: string[]) => string]> = [
  [
    /^option '(-[^' ]+)[^']*' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/s,
    (flag, value, choices) => `${flag} must be one of ${choices}, not '${value}'`,
  ],
  [
    /^option '(-[^' ]+)[^']*' argument '(.*)' is invalid\. (.*?)\.?$/s,
    (flag, value, why) =>
      why.startsWith('expected ') ? `${flag} must be ${why.slice(9)}, not '${value}'` : `${flag} '${value}': ${why}`,
  ],
  [
    /^command-argument value '(.*)' is invalid for argument '([^']+)'\. Allowed choices are (.*)\.$/s,
    (value, arg, choices) => `<${arg}> must be one of ${choices}, not '${value}'`,
  ],
  [
    /^command-argument value '(.*)' is invalid for argument '([^']+)'\. (.*?)\.?$/s,
    (value, arg, why) => `<${arg}> '${value}': ${why}`,
  ],
  [/^option '(-[^' ]+)[^']*' argument missing$/, (flag) => `${flag} needs a value`],
  [/^missing required argument '([^']+)'$/, (arg) => `missing <${arg}>`],
  [/^required option '(-[^' ]+)[^']*' not specified$/, (flag) => `missing ${flag} (it is required)`],
  [
    /^too many arguments for '([^']+)'\. Expected (\d+) arguments? but got (\d+)\.$/,
    (cmd, want, got) => `too many arguments: ${cmd} takes ${want}, got ${got}`,
  ],
  [
    /^too many arguments\. Expected (\d+) arguments? but got (\d+)\.$/,
    (want, got) => `too many arguments: ${want} expected, got ${got}`,
  ],
];

/** `error: …` from Commander (with its `(Did you mean …?)` line, if any) in our words. */
export function ourWords(message: string): string {
  const [first = '', ...rest] = message.replace(/^error: /, '').split('\n');
  for (const [re, say] of REWRITES) {
    const m = re.exec(first);
    if (m) return [`error: ${say(...m.slice(1))}`, ...rest].join('\n');
  }
  return [`error: ${first}`, ...rest].join('\n');
}

/** The command argv names (the deepest one its words reach). */
export function commandOf(argv: readonly string[], program: Command): Command {
  let cmd = program;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    if (a.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    cmd = sub;
  }
  return cmd;
}

/** `usage: gurusup threads list [options]`: the hint after a parser error. */
export function usageLine(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return `usage: ${`${names.join(' ')} ${cmd.usage()}`.trimEnd()} (more: --help)`;
}
