#!/usr/bin/env node
'use strict';
// The shim, and the only place that ends the process. It is CommonJS (bin/package.json) and
// answers --version and --help from text rendered at build time, so those load no module at all.

const argv = process.argv.slice(2);

function prerendered() {
  const last = argv[argv.length - 1];
  const words = argv.slice(0, -1);
  if (argv.length === 1 && (last === '--version' || last === '-v')) return 'version';
  // `version --help` is not the version (there is no such command): the bundle answers it.
  if ((last === '--help' || last === '-h') && words.every((w) => /^[a-z]+$/.test(w)) && words.join(' ') !== 'version')
    return words.join(' ');
  return undefined;
}

/**
 * Run from a checkout before `npm ci` (or after a clean), dist/ is not there: say what to run, in
 * one line, rather than a stack trace. Any other failure to load is not ours to hide.
 */
function exitIfNotBuilt(err) {
  const missing = err && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ENOENT');
  if (!missing || !/[\\/]dist[\\/]/.test(String(err.message) + String(err.path))) throw err;
  const root = require('node:path').resolve(__dirname, '..');
  require('node:fs').writeSync(
    2,
    `error: gurusup is not built yet (no dist/ in ${root})\nhint: run npm ci there (it builds dist/), or npm run build\n`,
  );
  process.exit(1);
}

const key = prerendered();
let text;
try {
  text = key === undefined ? undefined : prerenderedText(key);
} catch (err) {
  exitIfNotBuilt(err);
}
if (typeof text === 'string') writeOnce(text);
else run();

/** The bundle, through the code cache; a checkout not built yet says so. */
function loadBundle(debug) {
  try {
    return require('./load.js').loadCli({ debug }).cli;
  } catch (err) {
    exitIfNotBuilt(err);
  }
}

/**
 * Help as the bundle would print it: dist/help-80.json holds it fitted to 80 columns (a pipe, a
 * file, or a terminal that wide); any other terminal gets the unwrapped text fitted to its width.
 */
function prerenderedText(key) {
  // process.stdout only on a terminal, for its width.
  const width = key !== 'version' && stdoutIsTTY() && process.stdout.columns > 0 ? process.stdout.columns : 80;
  if (width === 80) return require('../dist/help-80.json')[key];
  const text = require('../dist/help.json')[key];
  if (typeof text !== 'string' || text.split('\n').every((line) => line.length <= width)) return text;
  return require('../dist/help-fit.cjs').fitHelp(text, width);
}

/**
 * Whether fd 1 is a terminal. node:tty costs ~1.9 ms to load (it brings net and streams), so it is
 * asked only about a character device that is not /dev/null: files, pipes and /dev/null are not.
 */
function stdoutIsTTY() {
  const fs = require('node:fs');
  try {
    const st = fs.fstatSync(1);
    if (!st.isCharacterDevice() || st.rdev === fs.statSync('/dev/null').rdev) return false;
  } catch {
    // no /dev/null (Windows) or no fd 1: ask node:tty
  }
  return require('node:tty').isatty(1);
}

/**
 * The one write of --version and --help, synchronous to fd 1: making process.stdout loads Node's
 * stream modules, ~1.7 ms of a 20 ms run (BENCHMARKS.md §1). A failure is reported by the bundle,
 * as any command's; a non-blocking pipe that is full (EAGAIN) gets the rest through process.stdout.
 */
function writeOnce(text) {
  const fs = require('node:fs');
  const buf = Buffer.from(text);
  let off = 0;
  // A file's size before: a write that fails part-way is cut back to it, as the bundle's writer does.
  let end;
  try {
    const st = fs.fstatSync(1);
    if (st.isFile()) end = st.size;
  } catch {
    // not something to cut back
  }
  try {
    while (off < buf.length) {
      const n = fs.writeSync(1, buf, off, buf.length - off);
      if (!(n > 0)) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      off += n;
    }
  } catch (err) {
    if (err && err.code === 'EAGAIN') {
      process.stdout.on('error', (e) => loadBundle(false).stdoutFailed(e, exit));
      process.stdout.write(buf.subarray(off));
      return;
    }
    if (off > 0 && end !== undefined) {
      try {
        if (fs.fstatSync(1).size === end + off) fs.ftruncateSync(1, end);
      } catch {
        // the error is reported either way
      }
    }
    loadBundle(false).stdoutFailed(err, exit);
  }
}

function exit(code) {
  process.exit(code);
}

function run() {
  const debug = argv.includes('--debug') || process.env.GURUSUP_DEBUG === '1' || process.env.GURUSUP_DEBUG === 'true';
  loadBundle(debug).run(argv, exit);
}
