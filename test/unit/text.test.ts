import { describe, expect, it } from 'vitest';
import { displayWidth, truncateToWidth } from '../../src/output/width.js';
import { wrapText } from '../../src/output/wrap.js';
import { relativeTime } from '../../src/output/time.js';

describe('displayWidth', () => {
  it('counts terminal columns: emoji and CJK are 2, combining marks 0', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('✅')).toBe(2);
    expect(displayWidth('☕')).toBe(2);
    expect(displayWidth('🚀')).toBe(2);
    expect(displayWidth('👨‍👩‍👧')).toBe(2);
    expect(displayWidth('👍🏽')).toBe(2);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('กำ')).toBe(1);
  });
  it('truncates by grapheme without splitting an emoji sequence', () => {
    expect(truncateToWidth('hello world', 6)).toBe('hello…');
    expect(truncateToWidth('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', 5)).toBe('👨‍👩‍👧👨‍👩‍👧…');
    expect(truncateToWidth('short', 10)).toBe('short');
    expect(displayWidth(truncateToWidth('日本語のテキスト', 7))).toBeLessThanOrEqual(7);
  });
});

describe('wrapText', () => {
  it('wraps at word boundaries and indents every line', () => {
    const out = wrapText('the quick brown fox jumps over the lazy dog', 20, '  ');
    for (const line of out.split('\n')) {
      expect(line.startsWith('  ')).toBe(true);
      expect(displayWidth(line)).toBeLessThanOrEqual(20);
    }
    expect(out.replace(/\n {2}/g, ' ').trim()).toBe('the quick brown fox jumps over the lazy dog');
  });
  it('breaks a word longer than the line and keeps existing newlines', () => {
    const out = wrapText(`${'x'.repeat(25)}\nnext`, 12);
    expect(out.split('\n')).toEqual(['x'.repeat(12), 'x'.repeat(12), 'x', 'next']);
  });
  it('lines that fit are kept as they are, spaces included; one column more wraps', () => {
    expect(wrapText('ab  \n\ncd', 12, '  ')).toBe('  ab  \n  \n  cd');
    expect(wrapText('x'.repeat(10), 12, '  ')).toBe(`  ${'x'.repeat(10)}`);
    expect(wrapText(`${'x'.repeat(5)} ${'y'.repeat(5)}`, 12, '  ')).toBe('  xxxxx\n  yyyyy');
    expect(wrapText('a\tb', 0, '> ')).toBe('> a\tb');
  });
  it('counts wide characters as two columns', () => {
    for (const line of wrapText('日本語 日本語 日本語 日本語', 14).split('\n'))
      expect(displayWidth(line)).toBeLessThanOrEqual(14);
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it('reads like a person would say it', () => {
    expect(relativeTime('2026-11-25T09:00:00Z', now)).toBe('3 hours ago');
    expect(relativeTime('2026-11-23T12:00:00Z', now)).toBe('2 days ago');
    expect(relativeTime('2026-11-25T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-11-25T12:05:00Z', now)).toBe('in 5 minutes');
    expect(relativeTime('2026-11-25T11:59:00Z', now)).toBe('1 minute ago');
  });
  it('an absolute time is the same whether or not the minute before was just asked', () => {
    // Each time against a fresh computation, second by second across minute boundaries, in a zone
    // with a half-hour offset, across a DST change, and in one whose offset had seconds then
    // (Monrovia, -00:44:30 until 1972: one UTC minute is two local ones).
    const tz = process.env.TZ;
    try {
      for (const [zone, from] of [
        ['Asia/Kolkata', '2024-03-31T00:58:30Z'],
        ['Africa/Monrovia', '1960-06-01T11:58:30Z'],
        // Offsets that step back by less than a minute within one UTC minute (found in review).
        ['Africa/Monrovia', '1919-03-01T00:41:30Z'],
        ['America/Panama', '1890-01-01T05:17:30Z'],
        ['America/New_York', '2024-03-10T06:58:30Z'],
      ] as const) {
        process.env.TZ = zone;
        const start = Date.parse(from);
        for (let t = start; t < start + 200_000; t += 1_000) {
          const d = new Date(t);
          const p = (n: number) => String(n).padStart(2, '0');
          const fresh = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
          expect(relativeTime(d.toISOString(), now), `${zone} ${d.toISOString()}`).toBe(fresh);
        }
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('is absolute beyond 30 days and leaves non-times alone', () => {
    expect(relativeTime('2026-01-02T10:00:00Z', now)).toMatch(/^2026-01-0[12] \d\d:\d\d$/);
    expect(relativeTime('yesterday-ish', now)).toBe('yesterday-ish');
    expect(relativeTime('', now)).toBe('');
  });
});

describe('fitting painted text', () => {
  it('a coloured word longer than the line is cut between characters, never inside its colour code', async () => {
    const { fitText } = await import('../../src/output/wrap.js');
    const out = fitText(`\u001b[31m${'A'.repeat(30)}\u001b[39m tail`, 20, 2);
    expect(out).toContain('\u001b[31m');
    expect(out).toContain('\u001b[39m');
    for (const line of out.split('\n')) expect(line.replace(/\u001b\[[0-9;]*m/g, '').length).toBeLessThanOrEqual(20);
  });
});
