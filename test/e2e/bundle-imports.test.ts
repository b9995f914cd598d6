import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

// bin/load.js runs every dist/**/*.cjs as a vm.Script, where a dynamic import() throws at the
// call (it works under --debug, which uses require): none may hold one. CONTRIBUTING.md says why.
const DIST = path.resolve(BIN, '../../dist');

describe('the built files hold no dynamic import()', () => {
  const files = (fs.readdirSync(DIST, { recursive: true }) as string[]).filter((f) => f.endsWith('.cjs'));

  it('there are bundles to check (the main one and the vendor ones)', () => {
    expect(files).toContain('cli.cjs');
    expect(files.filter((f) => f.startsWith(`vendor${path.sep}`)).length).toBeGreaterThan(3);
  });

  it.each(files)('%s', (f) => {
    const text = fs.readFileSync(path.join(DIST, f), 'utf8');
    expect(text.match(/.{0,40}\bimport\s*\(.{0,40}/g) ?? []).toEqual([]);
  });
});
