import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Objects made per request must keep fast properties and share one hidden class (V8 "map"): an
// object literal whose getter is a new closure each time is turned into a dictionary per object,
// and that filled old space until a mark-compact (~8 % of an export's time). Only V8's natives
// tell, so the code runs bundled in a child with --allow-natives-syntax.
function sameMaps(entry: string): string {
  const js = buildSync({
    stdin: { contents: entry, resolveDir: path.resolve('src'), loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  }).outputFiles[0]!.text;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-'], { input: js, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

describe('hidden classes of per-request objects', () => {
  it('what exchange() hands a transport: one map for every request', () => {
    const out = sameMaps(`
      import { exchange } from './api/transport.ts';
      const seen = [];
      const transport = {
        kind: 'direct',
        async open(r) {
          seen.push(r);
          return { status: 200, headers: {}, body: [Buffer.from('{}')], complete: () => true };
        },
      };
      (async () => {
        for (let i = 0; i < 3; i++)
          await exchange(transport, { method: 'GET', url: 'http://127.0.0.1:9/threads/' + i, headers: {}, timeoutMs: 1000, maxBytes: 100 });
        const same = new Function('a', 'b', 'return %HaveSameMap(a, b)');
        const fast = new Function('a', 'return %HasFastProperties(a)');
        console.log(seen.length, seen.every(fast), same(seen[0], seen[1]) && same(seen[1], seen[2]));
      })();
    `);
    expect(out).toBe('3 true true');
  });
});
