import { describe, expect, it } from 'vitest';
import { displayWidth, renderTable } from '../../src/output/table.js';
import { isJsonArray } from '../../src/commands/threads-run.js';

const id = (s: string) => s;

describe('renderTable', () => {
  it('pads columns to the widest cell, two spaces apart, no trailing blanks', () => {
    expect(renderTable(['A', 'BB'], [['xxx', 'y'], ['z', '']], id)).toBe('A    BB\nxxx  y\nz\n');
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
