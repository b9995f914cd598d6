import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Runner } from './types.js';
import { examples, positiveInt } from './parse.js';

function rate(value: string): number {
  const n = Number(value);
  if (!/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) || n < 0 || n > 1)
    throw new InvalidArgumentError('expected a number from 0 to 1, e.g. 0.8.');
  return n;
}

/** Runs are planned up front: a repeat count in the billions must be a usage error, not an out-of-memory crash. */
export const MAX_REPEAT = 1000;
function repeatCount(value: string): number {
  const n = positiveInt(value);
  if (n > MAX_REPEAT) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_REPEAT}.`);
  return n;
}

const SUITE_HELP = `
Suite file (YAML or JSON; gurusup eval init writes a commented one):
  name: refunds                # optional; default: the file name
  user: eval-bot               # user_fid of every message (default gurusup-eval)
  lang: es                     # optional; cases and turns may override user and lang
  cases:
    - name: refund window
      turns:
        - send: "Quiero devolver mi pedido"
          agent: false         # true: sent as a support agent
          reference: "…"       # optional: a known good reply, shown beside a failure
          expect:
            - icontains: "30 días"
            - not-icontains: "no puedo"

Expectations (on the reply's body unless said): contains, icontains, equals,
regex ("/…/i" allowed), contains_any, contains_all (lists), min_length, max_length,
latency_ms, field: {name, equals | contains | regex}, no_reply: true,
judge: "criteria" (needs --judge-cmd). not- before a text expectation negates it.
`;

export function registerEval(program: Command, run: Runner): void {
  const evalCmd = program
    .command('eval')
    .description("Regression tests for your AI's replies: run conversation suites and check every reply")
    .argument('<suite...>', 'suite files (YAML or JSON)')
    .option('--case <text>', 'run only the cases whose name contains the text (ignoring case)')
    .option('--repeat <n>', `run every case n times (at most ${MAX_REPEAT}), each on a fresh thread`, repeatCount, 1)
    .option(
      '--min-pass-rate <r>',
      'with --repeat: a case passes when at least this share of its runs pass (0..1)',
      rate,
    )
    .option('--concurrency <n>', 'cases run at once', positiveInt, 4)
    .option(
      '--judge-cmd <command>',
      'command that grades judge: expectations (JSON on stdin, {"pass","reason"} on stdout) (env: GURUSUP_JUDGE_CMD)',
    )
    .option('--junit <file>', 'also write a JUnit XML report (for CI)')
    .option('--report <file.md>', 'also write a Markdown summary (for a pull-request comment)')
    .option('--baseline <results.json>', 'compare with an earlier --json results file')
    .addHelpText(
      'after',
      SUITE_HELP +
        '\nExit codes: 0 every case passed, 1 a case failed or errored, 2 a suite or an option is\ninvalid (nothing sent), 3 no key or the key was rejected, 130 interrupted.\n' +
        examples(
          'gurusup eval init',
          'gurusup eval gurusup.eval.yaml',
          'gurusup eval suites/*.yaml --junit eval.xml --report eval.md',
          'gurusup eval refunds.yaml --case window --repeat 5 --min-pass-rate 0.8',
          'gurusup eval refunds.yaml --json > before.json',
          'gurusup eval refunds.yaml --baseline before.json',
        ),
    )
    .action(run(() => import('./eval-run.js').then((m) => m.evalRun)));
  evalCmd
    .command('init')
    .description('Write a commented starter suite, or turn recorded threads into cases')
    .argument('[file]', 'where to write it (default gurusup.eval.yaml; never overwritten)')
    .option(
      '--from-thread <fid...>',
      'make a case of each thread: its customer messages as turns, its replies as reference',
    )
    .addHelpText(
      'after',
      examples('gurusup eval init', 'gurusup eval init regressions.yaml --from-thread order-1042 refund-778'),
    )
    .action(run(() => import('./eval-run.js').then((m) => m.evalInit)));
}
