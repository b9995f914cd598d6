import fs from 'node:fs/promises';
import { SEND_TIMEOUT_S } from '../config/settings.js';
import path from 'node:path';
import type { Handler } from './types.js';
import type { Context } from '../context.js';
import { CliError, InterruptedError, NotFoundError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { threadHash } from '../api/hash.js';
import { formatProblem, loadSuites } from '../eval/suite.js';
import { runEval } from '../eval/runner.js';
import { commandJudge } from '../eval/judge.js';
import { readBaseline, resultsObject, totals, type Baseline } from '../eval/results.js';
import { caseLine, caseTsv, failureSection, summaryLine } from '../eval/report-text.js';
import { junitXml } from '../eval/report-junit.js';
import { markdownReport } from '../eval/report-markdown.js';
import { caseFromThread, DEFAULT_SUITE_FILE, STARTER_SUITE, suiteFromThreads, type ThreadCase } from '../eval/init.js';
import { writeProblem, writeReport } from '../eval/report-file.js';
import type { Spinner } from '../output/output.js';
import { plural } from '../output/plural.js';

/** Problems in the suites shown before giving up (a wrong file can have thousands). */
const MAX_PROBLEMS = 20;

/**
 * A report path that cannot be written is found before anything is sent: a run can take minutes,
 * and its report is what CI keeps.
 */
async function checkWritable(file: string, flag: string): Promise<void> {
  const fail = (why: string) => new CliError(`cannot write ${flag} ${file}: ${why}`, EXIT.FAILURE);
  const st = await fs.stat(file).catch(() => undefined);
  if (st?.isDirectory()) throw fail('it is a directory');
  const target = st ? file : path.dirname(path.resolve(file));
  if (
    !st &&
    !(await fs.stat(target).then(
      (d) => d.isDirectory(),
      () => false,
    ))
  )
    throw fail('no such directory');
  await fs.access(target, fs.constants.W_OK).catch((err: unknown) => {
    throw fail(writeProblem(err));
  });
}

/** The judge gets the user's environment (its own model keys) but not the Gurusup key: it has no use for it. */
function judgeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.GURUSUP_API_KEY;
  return copy;
}

/** As declared in eval.ts (repeat, concurrency and the rate are validated numbers there). */
export interface EvalOptions {
  case?: string;
  repeat: number;
  minPassRate?: number;
  concurrency: number;
  judgeCmd?: string;
  junit?: string;
  report?: string;
  baseline?: string;
}

export const evalRun: Handler<EvalOptions> = async (ctx, args, opts) => {
  const { out } = ctx;
  // The same file named twice (a shell glob and a path) runs once.
  const seen = new Set<string>();
  const files = ((args[0] as string[] | undefined) ?? []).filter((f) => {
    const key = path.resolve(f);
    return seen.has(key) ? false : (seen.add(key), true);
  });

  // Everything that can be wrong with the input is found before any message is sent.
  const { suites, problems } = await loadSuites(files);
  if (problems.length) {
    const lines = problems.slice(0, MAX_PROBLEMS).map((p) => formatProblem(p));
    for (const l of lines.slice(0, -1)) out.error(new UsageError(l));
    const count =
      problems.length > MAX_PROBLEMS
        ? `${problems.length} problems, the first ${MAX_PROBLEMS} shown; `
        : problems.length > 1
          ? `${problems.length} problems; `
          : '';
    // Only files that are not there (or not readable): the suite format is not the problem.
    const unread = problems.every((p) => p.line === 0);
    throw new UsageError(
      lines[lines.length - 1]!,
      unread
        ? `${count}check the path; gurusup eval init <file> writes a starter suite there`
        : `${count}the suite format is in: gurusup eval --help, and gurusup eval init writes a starter suite`,
    );
  }
  if (opts.case !== undefined) {
    const needle = opts.case.toLowerCase();
    const all = suites.flatMap((s) => s.cases.map((c) => c.name));
    for (const s of suites) s.cases = s.cases.filter((c) => c.name.toLowerCase().includes(needle));
    if (!suites.some((s) => s.cases.length)) {
      throw new UsageError(
        `no case name contains ${JSON.stringify(opts.case)}`,
        `the cases are: ${all
          .slice(0, 10)
          .map((n) => n)
          .join('; ')}${all.length > 10 ? '; …' : ''}`,
      );
    }
  }
  const baseline: Baseline | undefined = opts.baseline !== undefined ? await readBaseline(opts.baseline) : undefined;
  if (opts.junit !== undefined) await checkWritable(opts.junit, '--junit');
  if (opts.report !== undefined) await checkWritable(opts.report, '--report');
  const repeat = opts.repeat ?? 1;
  const concurrency = opts.concurrency ?? 4;
  const minPassRate = opts.minPassRate;
  // The flag, else GURUSUP_JUDGE_CMD (read from the context's environment, like every setting).
  const judgeRaw = opts.judgeCmd ?? ctx.io.env.GURUSUP_JUDGE_CMD;
  const judgeCmd = judgeRaw?.trim() ? judgeRaw : undefined;

  const s = await ctx.settings(SEND_TIMEOUT_S);
  const client = await ctx.client(s);
  const withSuite = suites.filter((x) => x.cases.length).length > 1;
  const n = suites.reduce((k, x) => k + x.cases.length, 0);
  // On a terminal, say at once what is starting: the first case line can take a while to come.
  if (ctx.term.watched) {
    const runs = repeat > 1 ? `, ${repeat} runs each` : '';
    out.infoBlock(
      out.epaint.dim(`Running ${n} case${n === 1 ? '' : 's'}${runs} (${Math.min(concurrency, n * repeat)} at a time)…`),
    );
  }

  // Between case lines, a spinner says how far the run is (a terminal only; out.spinner decides).
  // Each line waits for the spinner before it to be cleared, so nothing is drawn over.
  const progress = (done: number) => out.spinner(`${done} of ${n} case${n === 1 ? '' : 's'} done`);
  let shown = 0;
  let spin: Promise<Spinner> = out.json ? Promise.resolve(NO_SPINNER) : progress(0);
  const summary = await runEval(suites, {
    send: (partial) => client.sendMessage(partial),
    judge: judgeCmd ? commandJudge(judgeCmd, { env: judgeEnv(ctx.io.env) }) : undefined,
    repeat,
    minPassRate,
    concurrency,
    signal: ctx.signal,
    onCase: (r) => {
      if (out.json) return;
      const line = out.human
        ? caseLine(r, out.paint, { withSuite, baseline, width: out.columns })
        : caseTsv(r, withSuite, baseline);
      const done = ++shown;
      spin = spin.then((sp) => {
        sp.stop();
        out.line(line);
        return done < n ? progress(done) : NO_SPINNER;
      });
    },
  });
  (await spin).stop();
  if (summary.fatal) throw summary.fatal;

  const judge = Boolean(judgeCmd);
  // The run's own report first: a report file that cannot be written must not hide what failed.
  report(ctx, summary, { withSuite, judge, baseline, repeat, minPassRate, concurrency });
  if (opts.junit !== undefined) await writeReport(opts.junit, junitXml(summary), '--junit', ctx.redactor);
  if (opts.report !== undefined)
    await writeReport(opts.report, markdownReport(summary, { baseline, judge }), '--report', ctx.redactor);

  if (summary.interrupted)
    throw new InterruptedError(
      `${summary.cases.length} of ${plural(summary.selected, 'case')} finished before the interrupt`,
    );
  const t = totals(summary);
  return t.failed + t.errored > 0 ? EXIT.FAILURE : EXIT.OK;
};

const NO_SPINNER: Spinner = { update() {}, stop() {} };

function report(
  ctx: Context,
  summary: Awaited<ReturnType<typeof runEval>>,
  o: {
    withSuite: boolean;
    judge: boolean;
    baseline?: Baseline;
    repeat: number;
    minPassRate?: number;
    concurrency: number;
  },
): void {
  const { out } = ctx;
  if (out.json) {
    out.printJson(
      resultsObject(summary, {
        repeat: o.repeat,
        minPassRate: o.minPassRate,
        concurrency: o.concurrency,
        judge: o.judge,
        baseline: o.baseline,
      }),
    );
    return;
  }
  if (out.human) {
    const failures = failureSection(summary.cases, out.paint, {
      width: out.columns,
      withSuite: o.withSuite,
    });
    out.write(`${failures ? `\n${failures}` : ''}\n`);
    out.humanLine(summaryLine(summary, out.paint, o), 2);
    return;
  }
  // Piped: stdout holds only the TSV lines; the readable failure report goes to stderr (CI logs).
  const failures = failureSection(summary.cases, out.epaint, {
    width: out.errColumns,
    withSuite: o.withSuite,
  });
  if (failures) out.infoBlock(`\n${failures}`);
  out.infoBlock(summaryLine(summary, out.epaint, o));
}

export const evalInit: Handler<{ fromThread?: string[] }> = async (ctx, args, opts) => {
  const { out } = ctx;
  const file = typeof args[0] === 'string' && args[0] ? args[0] : DEFAULT_SUITE_FILE;
  const exists = () =>
    new CliError(`${file} already exists; not overwriting it`, EXIT.FAILURE, {
      hint: 'pass another file name: gurusup eval init <file>',
    });
  if (
    await fs.lstat(file).then(
      () => true,
      () => false,
    )
  )
    throw exists();

  // A thread named twice is one case (two cases with one name would not load).
  const fids = [...new Set(opts.fromThread ?? [])];
  let text = STARTER_SUITE;
  let count = 3;
  if (fids.length) {
    const client = await ctx.client(await ctx.settings());
    const cases: ThreadCase[] = [];
    for (const fid of fids) {
      const hash = threadHash(fid);
      const thread = await out
        .during(`Loading thread ${fid}`, () => client.getThread(hash))
        .catch((err: unknown) => {
          throw err instanceof NotFoundError ? new NotFoundError(`thread not found: ${fid} (hash ${hash})`) : err;
        });
      const c = caseFromThread(fid, thread);
      if (!c) throw new CliError(`thread ${fid} has no customer message to turn into a case`, EXIT.FAILURE);
      cases.push(c);
    }
    text = suiteFromThreads(await import('../vendor/yaml.js'), cases, fids);
    count = cases.length;
  }
  try {
    await fs.writeFile(file, text, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw exists();
    // The file was created (wx) but not written (a full disk): an empty one would block the next try.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') await fs.rm(file, { force: true }).catch(() => undefined);
    throw new CliError(`cannot write ${file}: ${writeProblem(err)}`, EXIT.FAILURE);
  }
  if (out.json) return void out.printJson({ file, cases: count });
  out.info(
    `Wrote ${file} (${count} case${count === 1 ? '' : 's'}${fids.length ? ` from ${fids.length} thread${fids.length === 1 ? '' : 's'}` : ''}).`,
  );
  out.info(`Run it: gurusup eval ${file}`);
};
