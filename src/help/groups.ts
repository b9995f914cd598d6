import type { Command } from 'commander';

/** The top-level help's command groups, in the order shown (contract: `gurusup help`). */
const GROUPS: Array<[heading: string, names: string[]]> = [
  ['Core commands:', ['threads', 'messages', 'chat']],
  ['Webhooks:', ['webhook']],
  ['Testing:', ['eval', 'sandbox']],
  ['Setup:', ['auth', 'completion', 'api', 'help']],
  ['AI assistants:', ['mcp']],
];

/**
 * Files each registered command under its group and orders them group by group (Commander shows
 * groups in the order their first command was added). A command not listed keeps Commander's
 * plain "Commands:" group, at the end.
 */
export function groupCommands(program: Command): void {
  const rank = new Map<string, number>();
  GROUPS.forEach(([, names], g) => names.forEach((name, i) => rank.set(name, g * 100 + i)));
  const headingOf = new Map(GROUPS.flatMap(([heading, names]) => names.map((n) => [n, heading] as const)));
  const commands = program.commands as Command[];
  for (const c of commands) {
    const heading = headingOf.get(c.name());
    if (heading) c.helpGroup(heading);
  }
  commands.sort((a, b) => (rank.get(a.name()) ?? 1e6) - (rank.get(b.name()) ?? 1e6));
  program.helpCommand('help [command|topic]', 'Show help for a command, or a help topic');
  program.commandsGroup(headingOf.get('help')!);
  program.helpCommand(true);
}
