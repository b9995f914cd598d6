import { describe, expect, it } from 'vitest';
import { startInProcess, tempDir } from '../helpers/io.js';

// Review: `webhook listen --json a,b` re-serialized the picked members, so the numbers the contract
// keeps as sent were rewritten there (12345678901234567890 → 12345678901234567000, 1.10 → 1.1,
// 1e400 → null), unlike a line without a field list.

const KEY = 'gsk_test_review_fields_0123456789';

describe('webhook listen --json with fields keeps the sender bytes of each member', () => {
  it('numbers, escapes and key order inside a picked member stay as sent; a missing one is null', async () => {
    const p = startInProcess(['webhook', 'listen', '--port', '0', '--json', 'data,missing,event'], {
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY },
    });
    const url = await p.url();
    const body =
      '{ "event" : "send_message", "data" : { "n" : 12345678901234567890, "f": 1.10, "big": 1e400, "s": "\\u00e9" }, "other": 1 }';
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    await p.waitFor(/\n/, 'stdout');
    p.abort();
    expect(await p.done).toBe(0);
    expect(p.stdout()).toBe(
      '{"data":{"n":12345678901234567890,"f":1.10,"big":1e400,"s":"\\u00e9"},"missing":null,"event":"send_message"}\n',
    );
  });
});
