import { execFileSync } from 'node:child_process';

/** The e2e tier runs the built CLI, so build it once before any test. */
export default function setup(): void {
  execFileSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
}
