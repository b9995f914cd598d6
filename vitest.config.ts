import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __GURUSUP_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // vitest's default is one worker per core but one: a single worker on CI's 2 cores, where most
    // tests wait on a child process, a socket or a pty. Two overlap those waits; more starve the
    // timing-bound tests (spinners, timeouts) on a loaded machine.
    maxWorkers: 2,
    // One module graph per worker, not per file: src/ and its libraries are loaded twice, not 70
    // times (user CPU of the in-process tiers 43 -> 26 s). Tests keep no state across files.
    isolate: false,
    globalSetup: ['test/global-setup.ts'],
    // The JSON report is what .ci/run counts from.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
