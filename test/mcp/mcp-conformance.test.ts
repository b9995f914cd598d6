import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The official conformance suite against the built server (test/mcp/conformance/run.mjs), with
// the scenarios that do not apply listed in test/mcp/conformance/baseline.yml.
const RUN = path.resolve(import.meta.dirname, 'conformance/run.mjs');

describe('MCP conformance (@modelcontextprotocol/conformance)', () => {
  it('every scenario passes but those in the baseline, and every baseline entry still fails', async () => {
    const child = spawn(process.execPath, [RUN], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const summary = out.slice(out.indexOf('=== SUMMARY ==='));
    expect(summary, out.slice(-4000)).toContain('Baseline check passed: all failures are expected.');
    for (const scenario of ['server-initialize', 'ping', 'tools-list', 'tools-call-error', 'resources-list'])
      expect(summary).toMatch(new RegExp(`✓ ${scenario}: \\d+ passed, 0 failed`));
    expect(code).toBe(0);
  }, 90_000);
});
