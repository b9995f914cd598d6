// Run by `npm test` before vitest: a committed test is never skipped, focused or left to do.
// (What a test needs from the machine is checked by test/helpers/needs.ts, which fails, not skips.)
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', 'test');
const FORBIDDEN = /\.(skip|only|todo|skipIf|runIf)\b|\bx(it|describe|test)\(|\bf(it|describe)\(/;

const found = [];
const visit = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) visit(p);
    else if (/\.[cm]?[jt]sx?$/.test(e.name))
      fs.readFileSync(p, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (FORBIDDEN.test(line)) found.push(`${path.relative(process.cwd(), p)}:${i + 1}: ${line.trim()}`);
        });
  }
};
visit(ROOT);
if (found.length) {
  console.error(`error: ${found.length} skipped, focused or to-do test${found.length > 1 ? 's' : ''} in test/:`);
  for (const f of found) console.error(`  ${f}`);
  console.error('hint: a test runs every time, or is deleted; what it needs from the machine goes through needs()');
  process.exit(1);
}
