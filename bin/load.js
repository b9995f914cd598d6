'use strict';
// Loads dist/cli.cjs through V8's code cache (dist/cli.cjs.cache, written by build.mjs), so a run
// skips most parsing and compiling. Node 20 has no module compile cache of its own. A cache from
// another Node version is rejected by V8 and the file is simply compiled as usual.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const file = path.join(__dirname, '..', 'dist', 'cli.cjs');

function loadCli() {
  const source = fs.readFileSync(file, 'utf8');
  let cachedData;
  try {
    cachedData = fs.readFileSync(`${file}.cache`);
  } catch {
    // no cache: compile normally
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  return { cli: mod.exports, script };
}

module.exports = { loadCli, file };
