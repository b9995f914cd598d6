import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { needs } from '../helpers/needs.js';

describe('anchors and aliases', () => {
  // Review of gurusup eval (issue 14): YAML anchors and aliases. The loader ignores x- keys so they
  // can hold anchors "to reuse with aliases", but any alias used as a list, a case, a turn or an
  // expectation list was refused with "expect needs a list …, got a list" (exit 2).
  const KEY = 'gsk_test_review_eval_alias_012345';
  let server: TestServer;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const m = req.json as { body: string; thread_fid: string };
      sendJson(res, 201, { _id: 'r', role: 'assistant', body: `You said: ${m.body}`, thread_fid: m.thread_fid });
    });
    dir = tempDir('gurusup-review-eval-alias-');
    env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, NO_COLOR: '1' };
  });
  afterAll(() => server.close());

  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  describe('anchors and aliases in a suite', () => {
    it('an aliased expect list, turn and expectation work like the written-out ones', async () => {
      const file = write(
        'alias.yaml',
        `x-polite: &polite
  - not-icontains: "stupid"
  - min_length: 3
x-turn: &turn
  send: "hello"
  expect: *polite
cases:
  - name: a
    turns:
      - send: "hi"
        expect: *polite
  - name: b
    turns:
      - *turn
      - send: "yo"
        expect:
          - &said {contains: "You said"}
          - *said
`,
      );
      const r = await run(['eval', file, '--concurrency', '1'], { env });
      expect(r.stderr).toMatch(/^2 passed · 2 cases, 2 runs, 3 turns/m);
      expect(r.code).toBe(0);
    });

    it('a wrong alias is reported where it is used, nothing sent', async () => {
      server.requests.length = 0;
      const file = write(
        'bad-alias.yaml',
        'x-l: &l [{contains: "a"}]\ncases:\n  - name: a\n    turns:\n      - send: "x"\n        expect:\n          - *l\n  - name: b\n    turns: *nope\n',
      );
      const r = await run(['eval', file], { env });
      expect(r.stderr).toContain(
        `error: ${file}:7:13: an expectation is a mapping like contains: "text", got a list\n`,
      );
      expect(r.stderr).toContain(`error: ${file}:9:12: unknown alias *nope (an anchor &nope must come before it)\n`);
      expect(r.code).toBe(2);
      expect(server.requests).toHaveLength(0);
    });

    it('an alias bomb in the structure is a load error, not millions of expectations', async () => {
      server.requests.length = 0;
      const lines = [
        'x-e: &e {contains: "a"}',
        `x-l: &l [${Array(200).fill('*e').join(',')}]`,
        'x-t: &t {send: "a", expect: *l}',
        `x-ts: &ts [${Array(200).fill('*t').join(',')}]`,
        'cases:',
      ];
      for (let i = 0; i < 200; i++) lines.push(`  - {name: c${i}, turns: *ts}`);
      const file = write('bomb.yaml', `${lines.join('\n')}\n`);
      const r = await run(['eval', file], { env });
      expect(r.stderr).toMatch(
        /^error: .*bomb\.yaml:\d+:\d+: more than 10000 uses of aliases; a suite does not need that many\n/,
      );
      expect(r.code).toBe(2);
      expect(server.requests).toHaveLength(0);
    });
  });
});

describe('files that are not suites', () => {
  // Review of gurusup eval (issue 14): a suite "file" that never ends (/dev/zero, a wrong path in a
  // script) was read whole: 512 MiB of memory, then "cannot read the suite: Invalid string length"
  // (and an out-of-memory crash where memory is tighter, as in a CI container).
  const KEY = 'gsk_test_review_eval_input_012345';
  let server: TestServer;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    server = await startServer((req, res) =>
      sendJson(res, 201, {
        _id: 'r',
        role: 'assistant',
        body: 'hello',
        thread_fid: (req.json as { thread_fid: string }).thread_fid,
      }),
    );
    dir = tempDir('gurusup-review-eval-input-');
    env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, NO_COLOR: '1' };
  });
  afterAll(() => server.close());

  describe('suite files that are not suite files', () => {
    it('/dev/zero: a load error naming the limit (exit 2), nothing sent', async () => {
      needs(!fs.existsSync('/dev/zero') && '/dev/zero');
      const r = await run(['eval', '/dev/zero'], { env });
      expect(r.stderr).toContain(
        'error: /dev/zero:1:1: cannot read the suite: larger than 16 MiB, so not a suite file\n',
      );
      expect(r.code).toBe(2);
      expect(server.requests).toHaveLength(0);
    });

    it('a suite of ordinary size still loads and runs', async () => {
      const file = path.join(dir, 'ok.yaml');
      fs.writeFileSync(
        file,
        `# ${'x'.repeat(200_000)}\ncases:\n  - name: a\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "hello"\n`,
      );
      const r = await run(['eval', file], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^passed\ta\t1\.00\t1\t\d+\n$/);
    });
  });
});
