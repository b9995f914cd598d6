import type { Command } from 'commander';

export interface FlagSpec {
  long?: string;
  short?: string;
  takesValue: boolean;
  /** The value may be left out (--json [fields]). */
  optionalValue: boolean;
  description: string;
}

export interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
  subcommands: CommandSpec[];
}

/** The shape of the Commander program, so completion scripts never drift from it. */
export function specOf(cmd: Command): CommandSpec {
  const flags: FlagSpec[] = cmd.options
    .filter((o) => !o.hidden)
    .map((o) => ({ long: o.long, short: o.short, takesValue: o.required || o.optional, optionalValue: o.optional, description: o.description }));
  flags.push({ long: '--help', short: '-h', takesValue: false, optionalValue: false, description: 'show help' });
  return {
    name: cmd.name(),
    description: cmd.description(),
    flags,
    subcommands: cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden && c.name() !== 'help').map(specOf),
  };
}

export interface PathEntry {
  /** Space-separated command path below the root; '' for the root. */
  path: string;
  spec: CommandSpec;
}

export function walk(root: CommandSpec): PathEntry[] {
  const out: PathEntry[] = [];
  const visit = (spec: CommandSpec, path: string) => {
    out.push({ path, spec });
    for (const s of spec.subcommands) visit(s, path ? `${path} ${s.name}` : s.name);
  };
  visit(root, '');
  return out;
}

export function flagWords(spec: CommandSpec): string[] {
  return spec.flags.flatMap((f) => [f.long, f.short].filter((x): x is string => Boolean(x)));
}

/** Options of the root that every subcommand accepts too (all but --version). */
export function globalFlags(root: CommandSpec): FlagSpec[] {
  return root.flags.filter((f) => f.long !== '--version' && f.long !== '--help');
}
