import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/io.js';
import { cli } from '../helpers/cli.js';
import { pty, stripAnsi } from '../helpers/pty.js';
import { helpTexts } from '../../src/cli.js';
import { fitHelp } from '../../src/output/help-fit.js';
import { displayWidth } from '../../src/output/width.js';
import { EXIT } from '../../src/exit-codes.js';

const ROOT = path.resolve(__dirname, '../..');
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.[tj]s$/.test(p) ? [fs.readFileSync(p, 'utf8')] : [];
  });
}

describe('help topics', () => {
  it('`help environment` names every GURUSUP_* variable the code reads, and the standard ones', async () => {
    const r = await run(['help', 'environment']);
    expect(r.code).toBe(0);
    const code = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'bin'))];
    const read = new Set(code.flatMap((s) => [...s.matchAll(/\bGURUSUP_[A-Z_]+\b/g)].map((m) => m[0])));
    expect(read.size).toBeGreaterThan(8);
    for (const name of read) expect(r.stdout, name).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
    for (const name of ['NO_COLOR', 'FORCE_COLOR', 'CI', 'HTTPS_PROXY', 'NO_PROXY', 'PAGER'])
      expect(r.stdout, name).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
  });

  it('`help exit-codes` lists every exit code; `help formatting` the three output modes', async () => {
    const codes = await run(['help', 'exit-codes']);
    expect(codes.code).toBe(0);
    for (const c of Object.values(EXIT)) expect(codes.stdout).toMatch(new RegExp(`^  ${c}\\s+\\S`, 'm'));
    const fmt = await run(['help', 'formatting']);
    expect(fmt.code).toBe(0);
    for (const s of ['On a terminal:', 'In a pipe:', 'With --json:']) expect(fmt.stdout).toContain(s);
  });

  it('the top-level help groups the commands (core, webhooks, testing, setup) and lists the topics', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    const headings = r.stdout.split('\n').filter((l) => /^[A-Z].*:$/.test(l));
    expect(headings).toEqual([
      'Options:',
      'Core commands:',
      'Webhooks:',
      'Testing:',
      'Setup:',
      ...(r.stdout.includes('\n  mcp ') ? ['AI assistants:'] : []),
      'Help topics (gurusup help <topic>):',
      'Examples:',
    ]);
    const section = (h: string) => r.stdout.split(`${h}\n`)[1]!.split('\n\n')[0]!;
    expect(section('Core commands:')).toMatch(/^ {2}threads .*\n {2}messages .*\n {2}chat /s);
    expect(section('Testing:')).toMatch(/^ {2}eval .*\n {2}sandbox /s);
    for (const t of ['environment', 'exit-codes', 'formatting'])
      expect(section('Help topics (gurusup help <topic>):')).toMatch(new RegExp(`^  ${t} `, 'm'));
  });

  it('every line of every help text and topic fits 80 columns, and is wrapped at words below that', async () => {
    const texts = helpTexts();
    for (const t of ['environment', 'exit-codes', 'formatting']) texts[`help ${t}`] = (await run(['help', t])).stdout;
    for (const [key, text] of Object.entries(texts)) {
      for (const l of fitHelp(text, 80).split('\n')) expect(displayWidth(l), `${key}: ${l}`).toBeLessThanOrEqual(80);
      for (const l of fitHelp(text, 40).split('\n'))
        if (displayWidth(l) > 40)
          // Only one shell word too long for the line may stay whole (quoted parts are one word).
          expect(
            l
              .trim()
              .replace(/ \\$/, '')
              .replace(/'[^']*'|"[^"]*"/g, 'q'),
            `${key} at 40: ${l}`,
          ).not.toContain(' ');
    }
  });

  it('an example too wide for the terminal breaks between shell words with ` \\`, and still reads as one command', () => {
    const text = `Examples:\n  $ gurusup threads show order-1042 -f --json | jq -r 'select(.body) | .body'\n`;
    const fitted = fitHelp(text, 40);
    const lines = fitted.split('\n').filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(fitted).toContain(`'select(.body) | .body'`);
    expect(fitted.replace(/ \\\n\s+/g, ' ')).toBe(text);
  });

  it('the follow example filters the thread line out with select(.body)', async () => {
    const r = await run(['threads', 'show', '--help']);
    expect(r.stdout).toContain(`jq -r 'select(.body) | .body'`);
    expect(r.stdout).not.toMatch(/jq -r \.body/);
  });
});

describe('sandbox --help', () => {
  it('lists only the global options that mean something to it', async () => {
    const r = await cli(['sandbox', '--help']);
    const globals = r.stdout.split('Global Options:\n')[1]!.split('\n\n')[0]!;
    expect(globals).toContain('--no-color');
    expect(globals).toContain('--quiet');
    for (const o of ['--profile', '--base-url', '--json', '--timeout']) expect(globals).not.toContain(o);
    // Other commands still show them all.
    expect((await cli(['threads', 'list', '--help'])).stdout).toMatch(/Global Options:[^]*--timeout/);
  });
});

describe('help mistakes', () => {
  it('`help help` is the top-level help', async () => {
    const r = await run(['help', 'help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Help topics (gurusup help <topic>):');
  });

  it('`help <typo>` is a usage error with a suggestion, for commands and topics alike', async () => {
    const topic = await run(['help', 'enviroment']);
    expect(topic.code).toBe(2);
    expect(topic.stdout).toBe('');
    expect(topic.stderr).toContain('hint: did you mean environment?');
    const cmd = await run(['help', 'threds']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('hint: did you mean threads?');
    const none = await cli(['help', 'xyzzy']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      "error: unknown command or help topic 'xyzzy'\nhint: run gurusup help to see the commands and help topics\n",
    );
    expect(topic.stderr).toContain("error: unknown help topic 'enviroment'");
    expect(cmd.stderr).toBe("error: unknown command 'threds'\nhint: did you mean threads?\n");
  });

  it('`gurusup version` points to --version; -v is the version only as the one word', async () => {
    const v = await cli(['version']);
    expect(v.code).toBe(2);
    expect(v.stdout).toBe('');
    expect(v.stderr).toContain('hint: to print the version, run gurusup --version');
    for (const args of [['-v'], ['--version']]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
      expect((await run(args)).stdout).toBe(r.stdout);
    }
    const sub = await cli(['threads', 'list', '-v']);
    expect(sub.code).toBe(2);
    expect(sub.stdout).toBe('');
    expect(sub.stderr).toContain("unknown option '-v'");
  });
});

describe('help topics on a terminal', () => {
  const PAGER = `sed 's/^/PAGED|/'`;
  it('go through the pager when taller than the screen; never with --no-pager, cat, or in a pipe', async () => {
    const paged = await pty(['help', 'environment'], { cols: 80, rows: 10, env: { GURUSUP_PAGER: PAGER } });
    expect(paged.code).toBe(0);
    const lines = stripAnsi(paged.out)
      .split('\n')
      .filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(l).toMatch(/^PAGED\|/);
    const pagerVar = await pty(['help', 'environment'], { cols: 80, rows: 10, env: { PAGER } });
    expect(pagerVar.out).toContain('PAGED|');
    const off = await pty(['help', 'environment', '--no-pager'], { cols: 80, rows: 10, env: { GURUSUP_PAGER: PAGER } });
    expect(off.code).toBe(0);
    expect(off.out).not.toContain('PAGED|');
    expect(off.out).toContain('GURUSUP_API_KEY');
    const cat = await pty(['help', 'environment'], { cols: 80, rows: 10, env: { GURUSUP_PAGER: 'cat', PAGER } });
    expect(cat.out).not.toContain('PAGED|');
    const short = await pty(['help', 'exit-codes'], { cols: 80, rows: 50, env: { GURUSUP_PAGER: PAGER } });
    expect(short.out).not.toContain('PAGED|');
    const piped = await cli(['help', 'environment'], { env: { GURUSUP_PAGER: PAGER } });
    expect(piped.stdout).not.toContain('PAGED|');
    expect(piped.stdout).toContain('GURUSUP_API_KEY');
  });

  it('fit a narrow terminal', async () => {
    const r = await pty(['help', 'environment', '--no-pager'], { cols: 50, env: {} });
    for (const l of stripAnsi(r.out).split('\n')) expect(displayWidth(l), l).toBeLessThanOrEqual(50);
  });
});
