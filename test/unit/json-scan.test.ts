import { describe, expect, it } from 'vitest';
import { JsonScanner } from '../../src/output/json-scan.js';

/** The scanner's verdict on a text fed `step` bytes at a time. */
function scans(text: string, step: number): boolean {
  const s = new JsonScanner();
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += step) s.feed(b.subarray(i, i + step));
  return s.ok && s.complete;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const CASES = [
  '[]',
  ' [ {"a" : 1 , "b":{}} ] \n',
  '[-0.5e+10, 0, 1E3, 12.25, 0e0, -0.0E-0]',
  '{"a":[true,false,null,"x\\u00e9\\n\\"y\\\\"]}',
  '"s"',
  '12',
  '["é", "😀"]',
  '[1,2',
  ']',
  '[01]',
  '[-01]',
  '[1.]',
  '[.5]',
  '[-]',
  '[1e]',
  '[1e5x]',
  '[tru]',
  '[truex]',
  '[nul]',
  '[1,]',
  '[1 2]',
  '{"a"}',
  '{"a":1,}',
  '{"a":1]',
  '{1:2}',
  '[ "a\tb" ]',
  '["\\x"]',
  '["\\u12G4"]',
  '[] x',
  '[]]',
  '[{]}',
  '',
  '   ',
];

describe('JsonScanner', () => {
  it('agrees with JSON.parse, however the bytes are split', () => {
    for (const text of CASES)
      for (const step of [1, 2, 3, 1000])
        expect(scans(text, step), `${JSON.stringify(text)} by ${step}`).toBe(parses(text));
  });

  it('agrees with JSON.parse on 20,000 random short texts (seeded)', () => {
    const alphabet = '[]{}",:0123456789.-+eEtrufalsn \\u\n\tx';
    let seed = 20261204;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 20_000; k++) {
      let text = '';
      for (let j = 1 + Math.floor(rnd() * 12); j > 0; j--) text += alphabet[Math.floor(rnd() * alphabet.length)];
      expect(scans(text, 1 + Math.floor(rnd() * 4)), JSON.stringify(text)).toBe(parses(text));
    }
  });

  it('says where the body stopped being JSON', () => {
    const s = new JsonScanner();
    expect(s.feed(Buffer.from('[1, 2'))).toBe(true);
    expect(s.feed(Buffer.from(', <html>'))).toBe(false);
    expect(s.failedAt).toBe(7);
    expect(s.feed(Buffer.from(']'))).toBe(false);
    expect(s.complete).toBe(false);
  });
});
