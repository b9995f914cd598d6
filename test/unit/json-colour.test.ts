import { describe, expect, it } from 'vitest';
import { colourJson } from '../../src/output/json-colour.js';
import type { Paint } from '../../src/output/format.js';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer } from '../helpers/server.js';

const tag = (name: string) => (s: string) => `<${name}>${s}</${name}>`;
const P: Paint = {
  bold: tag('b'),
  dim: tag('d'),
  cyan: tag('key'),
  green: tag('str'),
  yellow: tag('lit'),
  magenta: tag('m'),
  red: tag('r'),
};

describe('--json on a terminal is coloured', () => {
  it('keys, strings, numbers and literals; escaped quotes and colons inside strings stay strings', () => {
    const json = JSON.stringify({ a: 'x "y": z', n: -1.5e3, t: true, nil: null, list: ['s', 2] }, null, 2);
    const out = colourJson(json, P);
    expect(out).toContain('<key>"a"</key>: <str>"x \\"y\\": z"</str>');
    expect(out).toContain('<key>"n"</key>: <lit>-1500</lit>');
    expect(out).toContain('<key>"t"</key>: <lit>true</lit>');
    expect(out).toContain('<key>"nil"</key>: <lit>null</lit>');
    expect(out).toContain('<str>"s"</str>');
    expect(JSON.parse(out.replace(/<\/?[a-z]+>/g, ''))).toEqual(JSON.parse(json));
  });

  it('never in a pipe, even with FORCE_COLOR; not on a terminal under NO_COLOR', async () => {
    const api = await startServer((_req, res) => sendJson(res, 200, { thread_fid: 't', n: 1 }));
    try {
      const env = {
        GURUSUP_API_KEY: 'gsk_test_colour_json_000000',
        GURUSUP_BASE_URL: api.url,
        GURUSUP_CONFIG_DIR: tempDir(),
      };
      const tty = await run(['threads', 'show', 't', '--json'], { env, tty: true });
      expect(tty.stdout).toContain('\u001b[');
      const piped = await run(['threads', 'show', 't', '--json'], { env: { ...env, FORCE_COLOR: '1' } });
      expect(piped.stdout).toBe('{"thread_fid":"t","n":1}\n');
      const noColour = await run(['threads', 'show', 't', '--json'], { env: { ...env, NO_COLOR: '1' }, tty: true });
      expect(noColour.stdout).toBe('{\n  "thread_fid": "t",\n  "n": 1\n}\n');
    } finally {
      await api.close();
    }
  });
});
