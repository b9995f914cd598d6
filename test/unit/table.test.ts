import { describe, expect, it } from 'vitest';
import { displayWidth, renderTable } from '../../src/output/table.js';
import { isJsonArray } from '../../src/api/array-pass-through.js';

const id = (s: string) => s;

describe('renderTable', () => {
  it('pads columns to the widest cell, two spaces apart, no trailing blanks', () => {
    expect(
      renderTable(
        ['A', 'BB'],
        [
          ['xxx', 'y'],
          ['z', ''],
        ],
        id,
      ),
    ).toBe('A    BB\nxxx  y\nz\n');
  });
  it('escapes newlines and tabs so each row stays one line', () => {
    expect(renderTable(['A'], [['a\nb\tc']], id)).toBe('A\na\\nb\\tc\n');
  });
  it('truncates the widest column after the first two to fit the terminal', () => {
    const out = renderTable(['FID', 'HASH', 'SUBJECT'], [['f1', 'h'.repeat(10), 's'.repeat(50)]], id, 30);
    const row = out.split('\n')[1]!;
    expect(row).toBe(`f1   ${'h'.repeat(10)}  ${'s'.repeat(12)}…`);
    expect(displayWidth(row)).toBeLessThanOrEqual(30);
  });
  it('shares the cut out evenly between wide columns', () => {
    const out = renderTable(['FID', 'HASH', 'A', 'B'], [['f', 'h', 'a'.repeat(30), 'b'.repeat(20)]], id, 44);
    expect(out.split('\n')[1]).toBe(`f    h     ${'a'.repeat(14)}…  ${'b'.repeat(15)}…`);
  });

  it('counts wide characters as two columns', () => {
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('abc')).toBe(3);
    expect(renderTable(['A', 'B'], [['日本', 'x']], id)).toBe('A     B\n日本  x\n');
  });
});

describe('isJsonArray', () => {
  it('looks at the first and last non-blank bytes across chunks', () => {
    expect(isJsonArray([Buffer.from(' \n['), Buffer.from('1,2'), Buffer.from(']\n'), Buffer.from('  ')])).toBe(true);
    expect(isJsonArray([Buffer.from('<html>[]')])).toBe(false);
    expect(isJsonArray([Buffer.from('[1,2')])).toBe(false);
    expect(isJsonArray([])).toBe(false);
  });
});

describe('renderTable on a narrow terminal', () => {
  const header = ['FID', 'HASH', 'SUBJECT', 'USER', 'N', 'UPDATED'];
  const rows = [
    ['order-1', 'a'.repeat(32), 'Where is my parcel? It has been a week', 'cust-anna', '4', '3 hours ago'],
    ['refund-22', 'b'.repeat(32), 'Refund', 'cust-bram', '120', '2 days ago'],
  ];
  const opts = {
    drop: ['UPDATED', 'N', 'USER', 'HASH'],
    min: { HASH: 32, SUBJECT: 12, UPDATED: Number.POSITIVE_INFINITY },
  };
  const render = (w: number) => renderTable(header, rows, id, w, opts).trimEnd().split('\n');

  it('cuts first, then drops the columns the caller named, in its order; no line is wider than asked', () => {
    for (const w of [200, 100, 80, 60, 40, 20, 8]) {
      for (const line of render(w)) expect(displayWidth(line), `${w}: ${line}`).toBeLessThanOrEqual(w);
    }
    expect(render(200)[0]).toBe(
      'FID        HASH                              SUBJECT                                 USER         N  UPDATED',
    );
    // Cutting is enough: every column stays, the widest cut first.
    expect(render(90)[0]).toMatch(/^FID\s+HASH\s+SUBJECT\s+USER\s+N\s+UPDATED$/);
    expect(render(90)[1]).toContain('Where is my par…');
    // Cutting to the minimums is not enough: updated goes, then the count and the user.
    expect(render(70)[0]).toMatch(/^FID\s+HASH\s+SUBJECT\s+USER\s+N$/);
    expect(render(60)[0]).toMatch(/^FID\s+HASH\s+SUBJECT$/);
    expect(render(50)[0]).toMatch(/^FID\s+SUBJECT$/);
    expect(render(50)[1]).toBe('order-1    Where is my parcel? It has been a week');
    expect(render(40)[1]).toBe('order-1    Where is my parcel? It has b…');
  });

  it('a hash or a time is whole or gone, never cut; numbers are right-aligned and never cut', () => {
    for (const w of [100, 90, 80, 70]) {
      const text = render(w).join('\n');
      expect(text).not.toMatch(/[ab]{4,}…/);
      expect(text).not.toMatch(/ago…|hours…/);
    }
    const wide = render(200);
    expect(wide[1]).toMatch(/cust-anna {4}4 {2}3 hours ago$/);
    expect(wide[2]).toMatch(/cust-bram  120 {2}2 days ago$/);
  });

  it('knows no column by name unless told: without options nothing is dropped before everything is cut', () => {
    const plain = renderTable(header, rows, id, 60).trimEnd().split('\n');
    expect(plain[0]).toMatch(/^FID\s+HASH\s+SUBJECT\s+USER\s+N\s+UPDATED$/);
    for (const line of plain) expect(displayWidth(line)).toBeLessThanOrEqual(60);
  });

  it('emoji and wide characters are cut on a grapheme boundary and padded by display width', () => {
    const out = renderTable(
      ['A', 'B'],
      [
        ['👨‍👩‍👧 family ✅ done ☕', 'x'],
        ['日本語のテキスト', 'y'],
      ],
      id,
      16,
    )
      .trimEnd()
      .split('\n');
    for (const line of out) expect(displayWidth(line)).toBeLessThanOrEqual(16);
    const starts = out.map((l) => displayWidth(l.slice(0, l.lastIndexOf(' ') + 1)));
    expect(new Set(starts).size).toBe(1);
  });
});

describe('progressLine', () => {
  it('fits the width: the bar shrinks, then the rate and ETA go', async () => {
    const { progressLine } = await import('../../src/output/progress.js');
    for (const cols of [120, 80, 40, 30, 20, 10]) {
      const line = progressLine('Exporting', 50, 1000, 2000, 24, cols);
      expect(line.length, line).toBeLessThan(cols);
    }
    expect(progressLine('Exporting', 50, 1000, 2000, 24, 120)).toMatch(
      /^Exporting \[#-+\] 50\/1000 {2}25\.0\/s {2}ETA 38s$/,
    );
    expect(progressLine('Exporting', 50, 1000, 2000, 24, 30)).toMatch(/^Exporting \[#*-+\] 50\/1000$/);
  });
});
