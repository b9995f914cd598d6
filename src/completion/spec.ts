import type { Command } from 'commander';

/** What a value is, so a shell offers the right candidates: files, stored profiles, a fixed list, or nothing. */
export type ValueKind = 'file' | 'profile' | 'choice' | 'none';

export interface FlagSpec {
  long?: string;
  short?: string;
  takesValue: boolean;
  /** The value may be left out (--json [fields]). */
  optionalValue: boolean;
  description: string;
  /** Of the value, when the flag takes one. */
  kind: ValueKind;
  choices: string[];
}

export interface ArgSpec {
  name: string;
  kind: ValueKind;
  choices: string[];
  /** Takes every word that follows (`<suite...>`). */
  variadic?: boolean;
}

export interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
  /** Positional arguments, in order. */
  args: ArgSpec[];
  subcommands: CommandSpec[];
}

/**
 * A value's kind from how the program declares it: declared choices; `profile`; a file when the
 * flag or the placeholder says so (`--body-file <path>`, `--out <file>`, `<suite.yaml>`). A bare
 * `<path>` is not a file (`gurusup api <path>` is a URL path).
 */
export function valueKind(flag: string, placeholder: string, choices: readonly string[] | undefined): ValueKind {
  if (choices && choices.length) return 'choice';
  if (/^profile$/i.test(placeholder) || flag === '--profile') return 'profile';
  if (/file/i.test(flag) || /file|\.(ya?ml|json|md|xml|ndjson)$/i.test(placeholder)) return 'file';
  return 'none';
}

function placeholder(flags: string): string {
  return /[<[]([^>\]]+)[>\]]/.exec(flags)?.[1] ?? '';
}

/** The shape of the Commander program, so completion scripts never drift from it. */
export function specOf(cmd: Command): CommandSpec {
  const flags: FlagSpec[] = cmd.options
    .filter((o) => !o.hidden)
    .map((o) => {
      const takesValue = o.required || o.optional;
      const choices = o.argChoices ?? [];
      return {
        long: o.long,
        short: o.short,
        takesValue,
        optionalValue: o.optional,
        description: o.description,
        kind: takesValue ? valueKind(o.long ?? '', placeholder(o.flags), choices) : 'none',
        choices,
      };
    });
  flags.push({
    long: '--help',
    short: '-h',
    takesValue: false,
    optionalValue: false,
    description: 'show help',
    kind: 'none',
    choices: [],
  });
  const args: ArgSpec[] = cmd.registeredArguments.map((a) => {
    const choices = a.argChoices ?? [];
    return { name: a.name(), kind: valueKind('', a.name(), choices), choices, variadic: a.variadic };
  });
  return {
    name: cmd.name(),
    description: cmd.description(),
    flags,
    args,
    subcommands: cmd.commands
      .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden && c.name() !== 'help')
      .map(specOf),
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
