import { Command, CommanderError, Help, Option } from 'commander';
import type { Io } from './io.js';
import { Context } from './context.js';
import { GLOBAL_OPTIONS, VALUE_OPTIONS, type GlobalOptions } from './global-options.js';
import { EXIT, CliError } from './errors.js';
import { VERSION } from './version.js';
import { safeText } from './output/format.js';
import { usageErrorText } from './output/output.js';
import { UNWRAPPED, fitHelp } from './output/help-fit.js';
import { Terminal } from './terminal/terminal.js';
import { topicsSection } from './help/topics.js';
import { runCleanups } from './runtime/lifecycle.js';
import { registerAuth } from './commands/auth.js';
import { registerThreads } from './commands/threads.js';
import { registerMessages } from './commands/messages.js';
import { registerWebhook } from './commands/webhook.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerApi } from './commands/api.js';
import { registerCompletion } from './commands/completion.js';
import { registerEval } from './commands/eval.js';
import { registerChat } from './commands/chat.js';
import { registerMcp } from './commands/mcp.js';
import type { Handler, Runner } from './commands/types.js';
import type { Deps } from './deps.js';
import { groupCommands } from './help/groups.js';
import { commandOf, ourWords, usageLine } from './help/usage-errors.js';
import { helpRequest, showTopic, unknownHelpWord, versionWord } from './help/request.js';
import { runProcess } from './terminal/process.js';

export { stdoutFailed } from './terminal/process.js';

const EXAMPLES = `
Examples:
  $ gurusup auth login
  $ gurusup threads list
  $ gurusup threads show order-1042
  $ gurusup messages send --thread order-1042 --user cust-anna --body "Hi"
  $ gurusup webhook listen --port 0 --json | jq .
  $ gurusup sandbox`;

const GROUPS: Record<string, (program: Command, run: Runner, deps: Deps) => void> = {
  auth: registerAuth,
  threads: registerThreads,
  messages: registerMessages,
  webhook: registerWebhook,
  sandbox: registerSandbox,
  api: registerApi,
  chat: registerChat,
  completion: registerCompletion,
  eval: registerEval,
  mcp: registerMcp,
};

/** The command group argv names, if any: only that group needs building to run it. */
export function groupOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    // completion describes the whole program, so it needs every group.
    else if (!a.startsWith('-')) return Object.hasOwn(GROUPS, a) && a !== 'completion' ? a : undefined;
  }
  return undefined;
}

/** Builds the program; with `only`, just that command group (help and unknown commands need all). */
function buildProgram(term: Terminal, state: { ctx?: Context; code: number }, only?: string, deps: Deps = {}): Command {
  const io = term.io;
  const program = new Command('gurusup');
  // Inherited settings are copied at .command() time, so configure the root first.
  program
    .exitOverride()
    .configureOutput({
      // Help is rendered unwrapped and fitted to the stream's width, the way bin/ fits dist/help.json.
      writeOut: (s) => void io.stdout.write(fitHelp(s, term.helpWidth('stdout'))),
      writeErr: (s) => void io.stderr.write(fitHelp(s, term.helpWidth('stderr'))),
      // Parser errors are printed by main(), in our words with the command's usage line.
      outputError: () => undefined,
    })
    // Rendered unwrapped (fitted on output), with the global options a subcommand inherits, and
    // (required) on options that must be given.
    .configureHelp({
      helpWidth: UNWRAPPED,
      showGlobalOptions: true,
      optionDescription(option) {
        const text = Help.prototype.optionDescription.call(this, option);
        return option.mandatory ? `${text} (required)` : text;
      },
    })
    .showSuggestionAfterError(true);

  program
    .description('Operate your Gurusup organization from the terminal: threads, messages, webhooks.')
    // -v only as the one word of a command line (bin/ and main() answer it): after a command,
    // `threads list -v` is an unknown option, never the version.
    .version(VERSION, '--version', 'print the version (also -v)')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', `${topicsSection()}\n${EXAMPLES}`);
  for (const o of Object.values(GLOBAL_OPTIONS)) program.addOption(new Option(o.flags, o.help));

  const run: Runner =
    (load) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const opts = args[args.length - 2] as Record<string, unknown>;
      const positional = args.slice(0, -2) as Array<string | string[]>;
      const globals = cmd.optsWithGlobals() as GlobalOptions;
      state.ctx = await Context.create(io, globals, deps, term);
      const handler: Handler = await load();
      const code = await handler(state.ctx, positional, opts, cmd);
      state.code = typeof code === 'number' ? code : 0;
    };

  for (const [name, register] of Object.entries(GROUPS)) if (!only || name === only) register(program, run, deps);
  if (!only) groupCommands(program);
  return program;
}

/** `--json threads list`: a top-level command name right after --json is not a field list. */
/**
 * `--json [fields]` takes the next word when it can. It must not when that word is a command
 * (`--json threads list`) or an argument the command still needs (`threads show --json order-1`).
 */
function normalizeArgv(argv: readonly string[], program: Command): string[] {
  const out = [...argv];
  const i = out.indexOf('--json');
  if (i < 0 || i + 1 >= out.length || out[i + 1]!.startsWith('-')) return out;
  // Walk the words to the command they name, counting the positional words it gets.
  let cmd = program;
  let positional = 0;
  for (let k = 0; k < out.length; k++) {
    const a = out[k]!;
    if (k === i + 1) continue;
    if (a.startsWith('-')) {
      const opt = [...cmd.options, ...program.options].find((o) => o.long === a || o.short === a);
      if (opt?.required && !a.includes('=')) k++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === a);
    if (sub && positional === 0) cmd = sub;
    else positional++;
  }
  const next = out[i + 1]!;
  const needed = cmd.registeredArguments.filter((a) => a.required).length;
  if (
    cmd.commands.some((c) => c.name() === next) ||
    program.commands.some((c) => c.name() === next) ||
    positional < needed
  )
    out[i] = '--json=';
  return out;
}

/**
 * `gurusup help threads list` is `gurusup threads list --help`; `gurusup help threds` is the
 * usage error `gurusup threds` gives (exit 2, with a suggestion), not the root help.
 */
function rewriteHelp(argv: string[], program: Command): string[] {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at < 0 || argv[at] !== 'help' || at + 1 >= argv.length) return argv;
  const before = argv.slice(0, at);
  const words = argv.slice(at + 1);
  let cmd = program;
  for (let k = 0; k < words.length; k++) {
    const sub = cmd.commands.find((c) => c.name() === words[k] || c.aliases().includes(words[k]!));
    if (!sub)
      return words[k]!.startsWith('-')
        ? [...before, ...words.slice(0, k), '--help']
        : [...before, ...words.slice(0, k + 1)];
    cmd = sub;
  }
  return [...before, ...words, '--help'];
}

/** Help for every command path ('' for the root) and the version, for build.mjs to pre-render. */
export function helpTexts(): Record<string, string> {
  let captured = '';
  // A "terminal" as wide as UNWRAPPED: the texts are stored unwrapped, and bin/ fits them.
  const sink = {
    write: (s: string) => void (captured += s),
    isTTY: true,
    columns: UNWRAPPED,
  } as unknown as Io['stdout'];
  const io = { stdout: sink, stderr: sink, stdin: process.stdin, env: {}, signal: new AbortController().signal } as Io;
  const program = buildProgram(Terminal.from(io, []), { code: 0 });
  const texts: Record<string, string> = { version: `${VERSION}\n` };
  const visit = (cmd: Command, path: string) => {
    captured = '';
    cmd.outputHelp();
    texts[path] = fitHelp(captured, 0);
    for (const sub of cmd.commands) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(program, '');
  return texts;
}

/** Runs the CLI and returns the exit code; never exits the process (bin/ does). */
export async function main(argv: readonly string[], io: Io, deps: Deps = {}): Promise<number> {
  const state: { ctx?: Context; code: number } = { code: 0 };
  // How this process meets its terminal, decided once, before Commander parses anything.
  const term = Terminal.from(io, argv);
  const program = buildProgram(term, state, groupOf(argv), deps);
  if (argv.length === 0) {
    io.stdout.write(fitHelp(program.helpInformation(), term.helpWidth()));
    return EXIT.OK;
  }
  if (argv.length === 1 && argv[0] === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  const help = helpRequest(argv, program);
  if (help?.topic) {
    await showTopic(term, help.topic, argv.includes('--no-pager'));
    return EXIT.OK;
  }
  const version = versionWord(argv);
  if (version) {
    io.stderr.write(usageErrorText(version, term));
    return EXIT.USAGE;
  }
  if (help?.unknown !== undefined) {
    io.stderr.write(usageErrorText(safeText(unknownHelpWord(help.unknown, program)), term));
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync(rewriteHelp(normalizeArgv(argv, program), program), { from: 'user' });
    return state.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
      if (err.code === 'commander.help') return EXIT.OK;
      // Usage errors look like runtime ones: red `error:`, one `hint:` line (a suggestion, else the
      // usage line). Commander quotes the user's arguments: escaped, so `--$'\e[2J'` cannot clear
      // the screen. Not fitted like help: an error stays one line, however wide.
      const said = ourWords(err.message);
      const hint = /\n\(Did you mean /.test(said) ? '' : `\n${usageLine(commandOf(argv, program))}`;
      io.stderr.write(usageErrorText(safeText(said + hint), term));
      // Scripts that asked for JSON get the object too.
      if (term.mode.json) {
        const message = said.split('\n')[0]!.replace(/^error: /, '');
        io.stderr.write(`${JSON.stringify({ error: { message, status: null, exit_code: 2 } })}\n`);
      }
      return EXIT.USAGE;
    }
    const ctx = state.ctx ?? new Context(io, { color: term.mode.color, input: true }, undefined, deps);
    err = ctx.explain(err);
    ctx.out.error(err);
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    await runCleanups();
  }
}

/** The CLI as bin/gurusup.js runs it, on the process's own streams; `exit` ends the process. */
export function run(argv: readonly string[], exit: (code: number) => void): Promise<void> {
  return runProcess(main, argv, exit);
}
