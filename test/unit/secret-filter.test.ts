import { describe, expect, it } from 'vitest';
import { SecretFilter, secretForms } from '../../src/output/redact.js';

const KEY = 'gsk_live_0123456789abcdef';

/** The stream cut into chunks at `cuts`, passed through the filter, joined. */
function through(text: string, cuts: number[], forms = secretForms(KEY)): string {
  const f = new SecretFilter(forms);
  const out: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts, text.length]) {
    out.push(...f.push(Buffer.from(text.slice(at, c))));
    at = c;
  }
  out.push(...f.end());
  return Buffer.concat(out).toString();
}

describe('secrets in a stream passed through as it arrives', () => {
  const text = `[{"body":"key ${KEY} and ${encodeURIComponent('x')}${KEY}!"}]`;
  const want = text.split(KEY).join('[redacted]');

  it('are hidden wherever a chunk boundary falls, even inside the key', () => {
    for (let cut = 0; cut <= text.length; cut++) expect(through(text, [cut]), `cut at ${cut}`).toBe(want);
    // One byte at a time.
    expect(
      through(
        text,
        [...text].map((_, i) => i),
      ),
    ).toBe(want);
  });

  it('a stream without a secret comes out byte for byte', () => {
    const plain = '[{"body":"gsk_live_0123 is not the key"}]\n';
    for (let cut = 0; cut <= plain.length; cut += 5) expect(through(plain, [cut])).toBe(plain);
  });

  it('the percent-encoded and JSON-escaped forms too', () => {
    const key = 'k3y/with"quote';
    const s = `a ${encodeURIComponent(key)} b ${JSON.stringify(key).slice(1, -1)} c`;
    expect(through(s, [4, 9], secretForms(key))).toBe('a [redacted] b [redacted] c');
  });
});
