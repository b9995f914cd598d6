import { describe, expect, it } from 'vitest';
import {
  check,
  describe as describeExp,
  ExpectationError,
  parseExpectation,
  parseRegex,
  type Reply,
} from '../../src/eval/expectations.js';

const reply = (body: string | undefined, extra: Record<string, unknown> = {}, latencyMs = 100): Reply => ({
  message: { body, role: 'assistant', lang: 'es', meta: { intent: 'refund', score: 0.9 }, ...extra },
  body,
  latencyMs,
});
const none: Reply = { message: undefined, body: undefined, latencyMs: 50 };
const run = (key: string, value: unknown, r: Reply) => check(parseExpectation(key, value), r);

describe('text expectations', () => {
  const r = reply('Puedo ayudarte: el reembolso tarda 5–7 días hábiles.');
  it('contains is case-sensitive, icontains is not', () => {
    expect(run('contains', 'reembolso', r).status).toBe('passed');
    expect(run('contains', 'Reembolso', r)).toEqual({
      status: 'failed',
      message: 'the reply does not contain "Reembolso"',
    });
    expect(run('icontains', 'REEMBOLSO', r).status).toBe('passed');
    expect(run('icontains', 'DÍAS HÁBILES', r).status).toBe('passed');
  });
  it('not- inverts each text expectation and says what was found', () => {
    expect(run('not-contains', 'no puedo', r).status).toBe('passed');
    expect(run('not-icontains', 'PUEDO', r)).toEqual({
      status: 'failed',
      message: 'the reply contains "PUEDO" (ignoring case)',
    });
    expect(run('not-equals', 'x', r).status).toBe('passed');
    expect(run('not-regex', '\\d+', r).message).toContain('(at "5")');
    expect(run('not-contains_any', ['hola', 'adiós'], r).status).toBe('passed');
    expect(run('not-contains_any', ['hola', 'días'], r).message).toBe('the reply contains "días"');
    expect(run('not-contains_all', ['días', 'hola'], r).status).toBe('passed');
    expect(run('not-contains_all', ['días', 'reembolso'], r).status).toBe('failed');
  });
  it('equals is exact', () => {
    expect(run('equals', 'Puedo ayudarte: el reembolso tarda 5–7 días hábiles.', r).status).toBe('passed');
    expect(run('equals', 'Puedo ayudarte', r).status).toBe('failed');
  });
  it('regex: bare pattern, /…/flags form, and the g flag does not make it stateful', () => {
    expect(run('regex', '\\b(días|semanas)\\b', reply('en 3 semanas')).status).toBe('passed');
    expect(run('regex', '/PUEDO/i', r).status).toBe('passed');
    expect(run('regex', 'PUEDO', r).status).toBe('failed');
    const e = parseExpectation('regex', '/reembolso/g');
    expect(check(e, r).status).toBe('passed');
    expect(check(e, r).status).toBe('passed');
    // "/a/b" is the flags form with an unknown flag b (an error); escaped slashes match the text /a/b.
    expect(() => parseExpectation('regex', '/a/b')).toThrow(/unknown flag "b"/);
    expect(run('regex', '\\/a\\/b', reply('see x/a/b')).status).toBe('passed');
    expect(run('regex', '\\/a\\/b', reply('a')).status).toBe('failed');
  });
  it('contains_any / contains_all list what is missing', () => {
    expect(run('contains_any', ['hola', 'reembolso'], r).status).toBe('passed');
    expect(run('contains_any', ['hola', 'adiós'], r).message).toBe('the reply contains none of "hola", "adiós"');
    expect(run('contains_all', ['reembolso', 'hola', 'adiós'], r).message).toBe('the reply lacks "hola", "adiós"');
  });
  it('lengths count characters, not bytes or UTF-16 units', () => {
    expect(run('max_length', 3, reply('días')).status).toBe('failed');
    expect(run('max_length', 4, reply('días')).status).toBe('passed');
    expect(run('min_length', 2, reply('😀')).message).toBe('the reply has 1 characters, fewer than 2');
    expect(run('min_length', 1, reply('')).status).toBe('failed');
  });
  it('latency_ms: within the bound passes, over it fails with the figure', () => {
    expect(run('latency_ms', 100, reply('x', {}, 100)).status).toBe('passed');
    expect(run('latency_ms', 100, reply('x', {}, 101.4))).toEqual({
      status: 'failed',
      message: 'the reply took 101 ms, over 100 ms',
    });
    expect(run('latency_ms', 100, none).status).toBe('passed');
  });
});

describe('field, no_reply, judge', () => {
  const r = reply('hola');
  it('field equals / contains / regex, on any field, nested by dots, and not-field', () => {
    expect(run('field', { name: 'role', equals: 'assistant' }, r).status).toBe('passed');
    expect(run('field', { name: 'role', equals: 'agent' }, r).message).toBe('role is "assistant", not "agent"');
    expect(run('field', { name: 'meta.intent', contains: 'fund' }, r).status).toBe('passed');
    expect(run('field', { name: 'meta.score', equals: 0.9 }, r).status).toBe('passed');
    expect(run('field', { name: 'meta.score', equals: '0.9' }, r).status).toBe('passed');
    expect(run('field', { name: 'lang', equals: 'es' }, reply('x', { agent: true })).status).toBe('passed');
    expect(run('field', { name: 'agent', equals: 'true' }, reply('x', { agent: true })).status).toBe('passed');
    expect(run('field', { name: 'agent', equals: false }, reply('x', { agent: true })).status).toBe('failed');
    expect(run('field', { name: 'meta', equals: { intent: 'refund', score: 0.9 } }, r).status).toBe('passed');
    expect(run('field', { name: 'lang', regex: '/^ES$/i' }, r).status).toBe('passed');
    expect(run('field', { name: 'missing', equals: 'x' }, r).message).toBe('the reply has no field "missing"');
    expect(run('not-field', { name: 'missing', equals: 'x' }, r).status).toBe('passed');
    expect(run('not-field', { name: 'lang', equals: 'es' }, r).status).toBe('failed');
  });
  it('no_reply: true passes only without a reply; false only with one', () => {
    expect(run('no_reply', true, none).status).toBe('passed');
    expect(run('no_reply', true, r)).toEqual({ status: 'failed', message: 'a reply came, but none was expected' });
    expect(run('no_reply', false, none).status).toBe('failed');
    expect(run('no_reply', false, r).status).toBe('passed');
  });
  it('a body expectation without a reply fails, it does not pass', () => {
    for (const [k, v] of [
      ['contains', 'x'],
      ['not-contains', 'x'],
      ['max_length', 10],
      ['field', { name: 'role', equals: 'x' }],
    ] as const) {
      expect(run(k, v, none)).toEqual({ status: 'failed', message: 'no reply came' });
    }
    expect(run('contains', 'x', { message: { text: 'x' }, body: undefined, latencyMs: 1 }).message).toBe(
      'the reply has no text body',
    );
  });
  it('judge is never passed by check(): skipped (the runner asks the judge)', () => {
    expect(run('judge', 'is polite', r).status).toBe('skipped');
  });
});

describe('parsing expectations', () => {
  const bad = (key: string, value: unknown) => {
    try {
      parseExpectation(key, value);
    } catch (err) {
      expect(err).toBeInstanceOf(ExpectationError);
      return err as ExpectationError;
    }
    throw new Error(`${key} was accepted`);
  };
  it('an unknown expectation names it, suggests the near one, and points at the key', () => {
    const e = bad('icontain', 'x');
    expect(e.message).toMatch(/^unknown expectation "icontain" \(did you mean icontains\?\)/);
    expect(e.at).toBe('key');
    expect(bad('not-contians', 'x').message).toContain('did you mean not-contains?');
    expect(bad('not-max_length', 3).message).toBe(
      'not- does not apply to max_length; it applies to contains, icontains, equals, regex, contains_any, contains_all, field',
    );
  });
  it('an invalid regex is caught when the suite loads', () => {
    expect(bad('regex', '(unclosed').message).toMatch(/^invalid regular expression "\(unclosed": /);
    expect(bad('regex', '/x/ii').message).toMatch(/^invalid regular expression "\/x\/ii": .*flag/i);
    expect(() => parseRegex('/ok/i')).not.toThrow();
    expect(bad('field', { name: 'x', regex: '[' }).message).toMatch(/^invalid regular expression/);
  });
  it('wrong types say what was expected and what came', () => {
    expect(bad('contains', 3).message).toBe('contains needs a string, got a number');
    expect(bad('contains_any', []).message).toBe('contains_any needs a non-empty list of strings, got an empty list');
    expect(bad('contains_all', ['a', 1]).message).toBe(
      'contains_all needs a non-empty list of strings, got a list with a non-string item',
    );
    expect(bad('max_length', '10').message).toBe('max_length needs a number of 0 or more, got a string');
    expect(bad('latency_ms', -1).message).toBe('latency_ms needs a number of 0 or more, got -1');
    expect(bad('no_reply', 'yes').message).toBe('no_reply needs true or false, got a string');
    expect(bad('judge', '  ').message).toContain('judge needs the criteria');
    expect(bad('field', { name: 'x', equals: 1, contains: 'y' }).message).toBe(
      'field needs exactly one of equals, contains, regex (found 2)',
    );
    expect(bad('field', { equals: 1 }).message).toBe('field needs name: the reply field to check');
    expect(bad('field', { name: 'x', equal: 1 }).message).toContain('unknown key "equal"');
  });
  it('describe() gives the expectation back as written', () => {
    expect(describeExp(parseExpectation('not-icontains', 'no puedo'))).toBe('not-icontains: "no puedo"');
    expect(describeExp(parseExpectation('contains_any', ['a', 'b']))).toBe('contains_any: ["a", "b"]');
    expect(describeExp(parseExpectation('field', { name: 'role', equals: 'assistant' }))).toBe(
      'field: {name: "role", equals: "assistant"}',
    );
    // A control character in a suite value is escaped when shown.
    expect(describeExp(parseExpectation('contains', 'a\u001b[2Jb'))).toBe('contains: "a\\u001b[2Jb"');
    expect(describeExp(parseExpectation('contains', 'a\u202eb'))).toBe('contains: "a\\u202eb"');
  });
});
