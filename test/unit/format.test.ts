import { describe, expect, it } from 'vitest';
import { maskKey, pickFields, parseFieldList, tsvField, plainPaint } from '../../src/output/format.js';
import { messageTsv, transcript } from '../../src/model/transcript.js';
import { threadColumns } from '../../src/model/threads.js';
import { senderOf } from '../../src/model/sender.js';
import { threadHash, isThreadHash } from '../../src/api/hash.js';
import { colorLevel } from '../../src/terminal/terminal.js';

describe('threadHash', () => {
  it('is the lowercase hex md5 of the thread_fid', () => {
    expect(threadHash('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(threadHash('hello')).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(threadHash('pedido-ñ')).toMatch(/^[0-9a-f]{32}$/);
  });
  it('recognises 32-hex hashes only', () => {
    expect(isThreadHash('5d41402abc4b2a76b9719d911017c592')).toBe(true);
    expect(isThreadHash('5D41402ABC4B2A76B9719D911017C592')).toBe(true);
    expect(isThreadHash('5d41402abc4b2a76b9719d911017c59')).toBe(false);
    expect(isThreadHash('zz41402abc4b2a76b9719d911017c592')).toBe(false);
  });
});

describe('maskKey', () => {
  it('keeps the first and last four characters', () => {
    expect(maskKey('gsk_live_abcdefghijkl')).toBe('gsk_…ijkl');
  });
  it('hides keys of 12 characters or fewer entirely', () => {
    expect(maskKey('abcdefghijkl')).toBe('****');
    expect(maskKey('short')).toBe('****');
  });
});

describe('tsv', () => {
  it('escapes backslash, tab, CR and LF', () => {
    expect(tsvField('a\\b\tc\rd\ne')).toBe('a\\\\b\\tc\\rd\\ne');
    expect(tsvField(undefined)).toBe('');
    expect(tsvField(3)).toBe('3');
  });
  it('keeps one line per message with time, sender, body', () => {
    expect(
      messageTsv({ created_at: '2024-01-01T00:00:00Z', is_customer_support_agent: false, body: 'hi\nthere' }),
    ).toBe('2024-01-01T00:00:00Z\tcustomer\thi\\nthere');
  });
});

describe('pickFields', () => {
  it('keeps named fields in order, null when missing, per element', () => {
    expect(pickFields([{ a: 1, b: 2, c: 3 }, { b: 5 }], ['c', 'a'])).toEqual([
      { c: 3, a: 1 },
      { c: null, a: null },
    ]);
    expect(JSON.stringify(pickFields({ b: 2, a: 1 }, ['a', 'b']))).toBe('{"a":1,"b":2}');
  });
  it('passes everything through without fields', () => {
    const v = { x: { y: 1 } };
    expect(pickFields(v, undefined)).toBe(v);
  });
  it('parses comma lists', () => {
    expect(parseFieldList('a, b,,c')).toEqual(['a', 'b', 'c']);
    expect(parseFieldList(true)).toBeUndefined();
    expect(parseFieldList('')).toBeUndefined();
  });
});

describe('senderOf', () => {
  it('labels by what the fields say, never inventing', () => {
    expect(senderOf({ is_customer_support_agent: true })).toBe('agent');
    expect(senderOf({ is_customer_support_agent: false })).toBe('customer');
    expect(senderOf({ role: 'assistant', is_customer_support_agent: true })).toBe('system');
    expect(senderOf({ body: 'x' })).toBe('');
  });
});

describe('threadColumns', () => {
  it('adds only the optional columns some thread carries', () => {
    expect(threadColumns([{ thread_fid: 'a' }]).header).toEqual(['THREAD_FID', 'HASH']);
    const cols = threadColumns([{ thread_fid: 'a', subject: 'S', messages: [1, 2] }, { thread_fid: 'b' }]);
    expect(cols.header).toEqual(['THREAD_FID', 'HASH', 'SUBJECT', 'MESSAGES']);
    expect(cols.row({ thread_fid: 'b' }, 'h')).toEqual(['b', 'h', '', '']);
  });
});

describe('transcript', () => {
  it('shows the header and each message with sender, time and body', () => {
    const text = transcript(
      {
        thread_fid: 't1',
        subject: 'Refund',
        messages: [
          { body: 'Hello', user_fid: 'u1', is_customer_support_agent: false, created_at: '2024-05-01T10:00:00Z' },
        ],
      },
      'abc',
      plainPaint,
    );
    expect(text).toContain('thread t1  hash abc');
    expect(text).toContain('subject Refund');
    expect(text).toContain('customer (u1)  2024-05-01T10:00:00Z\n  Hello');
  });
  it('on a terminal: relative times and bodies wrapped to the width', () => {
    const now = Date.parse('2024-05-01T13:00:00Z');
    const body =
      'I can help with that refund. Refunds go back to the original payment method within 5–7 business days.';
    const text = transcript(
      { thread_fid: 't1', messages: [{ body, is_customer_support_agent: true, created_at: '2024-05-01T10:00:00Z' }] },
      'abc',
      plainPaint,
      { width: 40, now },
    );
    expect(text).toContain('agent  3 hours ago\n');
    const lines = text.split('\n').filter((l) => l.startsWith('  '));
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines.map((l) => l.trim()).join(' ')).toBe(body);
  });
});

describe('colorLevel', () => {
  it('follows --no-color, FORCE_COLOR, NO_COLOR, TERM=dumb and the TTY, in that order', () => {
    expect(colorLevel(true, {}, true)).toBe(1);
    expect(colorLevel(true, {}, false)).toBe(0);
    expect(colorLevel(false, { FORCE_COLOR: '1' }, true)).toBe(0);
    expect(colorLevel(true, { FORCE_COLOR: '1' }, false)).toBe(1);
    expect(colorLevel(true, { NO_COLOR: '1' }, true)).toBe(0);
    expect(colorLevel(true, { NO_COLOR: '' }, true)).toBe(1);
    expect(colorLevel(true, { TERM: 'dumb' }, true)).toBe(0);
  });
});
