import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as y from '../../src/vendor/yaml.js';
import { assignSlugs, formatProblem, loadSuites, nameFromFile, parseSuite } from '../../src/eval/suite.js';
import { slugify } from '../../src/eval/text.js';
import { tempDir } from '../helpers/io.js';

const problems = (text: string) => parseSuite(y, 's.yaml', text).problems.map(formatProblem);

describe('suite files', () => {
  it('reads the contract example: defaults from the suite, overrides per turn', () => {
    const { suite, problems: p } = parseSuite(
      y,
      'refunds.yaml',
      `
user: eval-bot
lang: es
cases:
  - name: refund window
    turns:
      - send: "Quiero devolver mi pedido"
        expect:
          - icontains: "30 días"
          - not-icontains: "no puedo"
          - max_length: 600
          - latency_ms: 15000
      - send: "¿Y cuánto tarda?"
        lang: en
        expect:
          - regex: "\\\\b(días|semanas)\\\\b"
  - name: an agent message gets no automatic reply
    turns:
      - send: "Hola, soy Ana del equipo"
        agent: true
        expect:
          - no_reply: true
`,
    );
    expect(p).toEqual([]);
    expect(suite!.name).toBe('refunds');
    expect(suite!.cases.map((c) => c.name)).toEqual(['refund window', 'an agent message gets no automatic reply']);
    const [t1, t2] = suite!.cases[0]!.turns;
    expect(t1).toMatchObject({
      index: 1,
      send: 'Quiero devolver mi pedido',
      user: 'eval-bot',
      lang: 'es',
      agent: false,
    });
    expect(t1!.expect.map((e) => `${e.negated ? 'not-' : ''}${e.kind}`)).toEqual([
      'icontains',
      'not-icontains',
      'max_length',
      'latency_ms',
    ]);
    expect(t2).toMatchObject({ index: 2, lang: 'en' });
    expect(suite!.cases[1]!.turns[0]).toMatchObject({ agent: true, user: 'eval-bot' });
  });

  it('accepts JSON too, with the default user', () => {
    const { suite, problems: p } = parseSuite(
      y,
      'x.json',
      '{"name":"j","cases":[{"name":"c","turns":[{"send":"hi","expect":[{"contains":"Hello"}]}]}]}',
    );
    expect(p).toEqual([]);
    expect(suite!.cases[0]!.turns[0]!.user).toBe('gurusup-eval');
  });

  it('reports every problem as file:line:col, all at once', () => {
    expect(
      problems(`cases:
  - name: one
    turns:
      - send: hi
        expect:
          - icontain: "x"
          - regex: "(open"
          - max_length: lots
  - name: two
    turns: []
  - name: one
    turns:
      - sendd: hi
`),
    ).toEqual([
      's.yaml:6:13: unknown expectation "icontain" (did you mean icontains?); known: contains, icontains, equals, regex, contains_any, contains_all, min_length, max_length, latency_ms, field, no_reply, judge, and not- before contains, icontains, equals, regex, contains_any, contains_all, field',
      expect.stringMatching(/^s\.yaml:7:20: invalid regular expression "\(open": /),
      's.yaml:8:25: max_length needs a number of 0 or more, got a string',
      's.yaml:10:12: turns needs a non-empty list of turns (each with send:)',
      's.yaml:11:11: two cases are named "one" (the other is on line 2)',
      's.yaml:13:9: unknown key "sendd" in a turn; allowed: send, expect, agent, user, lang, subject, reference',
      's.yaml:13:9: turn 1 has no send: (the message to send)',
    ]);
  });

  it('syntax errors carry the YAML parser position', () => {
    const p = problems('cases:\n  - name: "unterminated\n');
    expect(p.length).toBeGreaterThan(0);
    expect(p[0]).toMatch(/^s\.yaml:3:1: Missing closing "quote$/);
    expect(problems('cases: [\n')[0]).toMatch(/^s\.yaml:\d+:\d+: /);
    expect(problems('a: 1\na: 2\ncases: []')[0]).toMatch(/^s\.yaml:2:1: .*unique/i);
  });

  it('structure problems: not a mapping, no cases, empty turns, wrong types', () => {
    expect(problems('- just\n- a list\n')).toEqual([
      's.yaml:1:1: a suite is a mapping with cases: (see gurusup eval init for a starter suite)',
    ]);
    expect(problems('')).toEqual([
      's.yaml:1:1: a suite is a mapping with cases: (see gurusup eval init for a starter suite)',
    ]);
    expect(problems('name: x\n')).toEqual(['s.yaml:1:1: the suite has no cases: add a cases: list']);
    expect(problems('cases:\n  - name: c\n')).toEqual([
      's.yaml:2:5: case "c" has no turns: add a turns: list with send: and expect:',
    ]);
    expect(problems('cases:\n  - name: c\n    turns:\n      - send: hi\n        agent: "yes"\n')).toEqual([
      's.yaml:5:16: agent needs true or false, got the string "yes"',
    ]);
    expect(problems('cases:\n  - name: c\n    turns:\n      - send: hi\n        expect: contains\n')).toEqual([
      's.yaml:5:17: expect needs a list (each item like - contains: "text"), got the string "contains"',
    ]);
    expect(problems('cases:\n  - turns:\n      - send: ""\n')).toEqual([
      's.yaml:2:5: case 1 has no name:',
      's.yaml:3:15: send needs a non-empty string, got an empty string',
    ]);
    expect(problems('naem: x\ncases:\n  - name: c\n    turns:\n      - send: hi\n')).toEqual([
      's.yaml:1:1: unknown key "naem" in the suite; allowed: name, description, user, lang, cases',
    ]);
  });

  it('a hostile key or value is escaped in the message', () => {
    const [p] = problems(
      'cases:\n  - name: c\n    turns:\n      - send: hi\n        expect:\n          - "\\e[2Jx": 1\n',
    );
    expect(p).toContain('unknown expectation "\\u001b[2Jx"');
    expect(p).not.toContain('\u001b');
  });

  it('aliases: x- keys hold anchors; an unknown alias or an alias bomb is a positioned problem', () => {
    expect(
      problems(
        'x-common: &c ["refund", "reembolso"]\ncases:\n  - name: c\n    turns:\n      - send: hi\n        expect:\n          - contains_any: *c\n',
      ),
    ).toEqual([]);
    expect(problems('cases:\n  - name: c\n    turns:\n      - send: *nope\n')).toEqual([
      's.yaml:4:15: Unresolved alias (the anchor must be set before the alias): nope',
    ]);
    const levels = ['x-a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (const [n, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ])
      levels.push(`x-${n}: &${n} [${Array(10).fill(`*${prev}`).join(',')}]`);
    const bomb = problems(
      `${levels.join('\n')}\ncases:\n  - name: c\n    turns:\n      - send: hi\n        expect:\n          - contains_any: *e\n`,
    );
    expect(bomb).toEqual([expect.stringMatching(/^s\.yaml:11:27: Excessive alias count/)]);
  });

  it('an empty expectation is a problem, not silently nothing', () => {
    expect(problems('cases:\n  - name: c\n    turns:\n      - send: hi\n        expect:\n          - {}\n')).toEqual([
      's.yaml:6:13: an empty expectation: write it like contains: "text"',
    ]);
  });

  it('a byte-order mark is fine', () => {
    expect(problems('\uFEFFcases:\n  - name: c\n    turns:\n      - send: hi\n')).toEqual([]);
  });
});

describe('loading files', () => {
  it('several files; an unreadable one is a problem too; nothing else is returned', async () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.eval.yaml');
    fs.writeFileSync(a, 'cases:\n  - name: Refund window!\n    turns:\n      - send: hi\n');
    const b = path.join(dir, 'b.yml');
    fs.writeFileSync(b, 'cases:\n  - name: refund  window\n    turns:\n      - send: hi\n');
    const ok = await loadSuites([a, b]);
    expect(ok.problems).toEqual([]);
    expect(ok.suites.map((s) => s.name)).toEqual(['a', 'b']);
    expect(ok.suites.map((s) => s.cases[0]!.slug)).toEqual(['refund-window', 'refund-window-2']);
    const bad = await loadSuites([a, path.join(dir, 'missing.yaml'), dir]);
    expect(bad.problems.map(formatProblem)).toEqual([
      `${path.join(dir, 'missing.yaml')}: cannot read the suite: no such file`,
      `${dir}: cannot read the suite: is a directory, not a suite file`,
    ]);
  });

  it('names and slugs', () => {
    expect(nameFromFile('suites/refunds.eval.yaml')).toBe('refunds');
    expect(nameFromFile('x.json')).toBe('x');
    expect(slugify('Devolución en ESPAÑOL: ¿30 días?')).toBe('devolucion-en-espanol-30-dias');
    expect(slugify('日本語')).toBe('case');
    expect(slugify('a'.repeat(100)).length).toBe(40);
    const suites = [
      {
        name: 's',
        file: 'f',
        cases: [
          { name: 'x', slug: '', turns: [] },
          { name: 'X', slug: '', turns: [] },
        ],
      },
    ];
    assignSlugs(suites);
    expect(suites[0]!.cases.map((c) => c.slug)).toEqual(['x', 'x-2']);
  });
});
