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

// A write to stdout that fails is an error the user must see: one line on stderr, exit 1, no stack
// trace (a full disk, /dev/full, EIO). A reader that closed early (`| head`, EPIPE) is not an
// error: stop quietly. The line goes out with a synchronous write; the process ends once what this
// turn started has run (a listener's 503 for the entry it could not write reaches its sender).
const WHY = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EBADF: 'the stream is closed',
  EROFS: 'read-only file system',
};
let streamFailed = false;
function exitSoon(code) {
  // What the command would still say of the same failure is not said twice (the line above, or
  // nothing for EPIPE): its stderr is muted. Answers already being sent go out (synchronous
  // socket writes in this turn), then the process ends before the next poll for I/O.
  const quiet = (chunk, encoding, cb) => {
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
  process.stderr.write = quiet;
  setTimeout(() => process.exit(code), 0);
}
function onStreamError(err, name) {
  if (err && err.code === 'EPIPE') return exitSoon(process.exitCode ?? 0);
  if (streamFailed) return;
  streamFailed = true;
  const why = (err && WHY[err.code]) || String((err && err.message) || err).split('\n')[0];
  if (name === 'stdout') {
    try {
      require('node:fs').writeSync(
        2,
        `error: cannot write to stdout: ${why}${err && err.code && !why.includes(err.code) ? ` (${err.code})` : ''}\n`,
      );
    } catch {
      // stderr is gone too: the exit code is all that is left
    }
  }
  exitSoon(1);
}

/** process.stdout for a command: its errors reported once, and a file written to the last byte. */
function setUpStdout() {
  process.stdout.on('error', (err) => onStreamError(err, 'stdout'));
  // stdout redirected to a file: Node writes each chunk with one writeSync and ignores a short
  // count, so a disk that fills mid-chunk would lose its end silently. Write it to the last byte.
  if (process.stdout._type === 'fs' && typeof process.stdout.fd === 'number') {
    const fs = require('node:fs');
    // Strings reach _write as they are: a string is written without first being copied into a
    // Buffer (a busy listener writes a batch per event-loop turn; BENCHMARKS.md §3).
    process.stdout._writableState.decodeStrings = false;
    // Where the file ends if only we write to it, from one fstat at the first write: a write that
    // fails part-way is cut back to it, only when the file is exactly that plus the part (so
    // another writer's bytes, or a file written in the middle with 1<>, are never cut).
    let end;
    process.stdout._write = function writeWhole(chunk, encoding, cb) {
      let buf = typeof chunk === 'string' ? undefined : chunk;
      let off = 0;
      try {
        if (end === undefined) {
          const st = fs.fstatSync(this.fd);
          end = st.isFile() ? st.size : null;
        }
        if (buf === undefined) {
          off = fs.writeSync(this.fd, chunk, null, encoding);
          if (off === Buffer.byteLength(chunk, encoding)) {
            if (end !== null) end += off;
            return cb();
          }
          buf = Buffer.from(chunk, encoding);
        }
        while (off < buf.length) {
          const n = fs.writeSync(this.fd, buf, off, buf.length - off);
          if (!(n > 0)) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
          off += n;
        }
        if (end !== null) end += off;
      } catch (err) {
        // Commands write whole lines per chunk: cut the part of this one that made it to the file.
        if (off > 0 && typeof end === 'number') {
          try {
            if (fs.fstatSync(this.fd).size === end + off) fs.ftruncateSync(this.fd, end);
          } catch {
            // nothing more to do: the error is reported either way
          }
        }
        return cb(err);
      }
      cb();
    };
  }
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
if (typeof text === 'string') {
  writeOnce(text);
} else {
  setUpStdout();
  run();
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
 * stream modules, ~1.7 ms of a 20 ms run (BENCHMARKS.md §1). Errors as onStreamError reports
 * them; a non-blocking pipe that is full (EAGAIN) gets the rest through process.stdout, which waits.
 */
function writeOnce(text) {
  const fs = require('node:fs');
  const buf = Buffer.from(text);
  let off = 0;
  // A file's size before: a write that fails part-way is cut back to it, as setUpStdout does.
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
      process.stdout.on('error', (e) => onStreamError(e, 'stdout'));
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
    onStreamError(err, 'stdout');
  }
}

async function run() {
  // stderr that cannot be written (a full disk, a reader gone) has no one to tell: the exit code
  // still says what happened, rather than an unhandled 'error' event's exit 1. Not made before:
  // the stream on a pipe loads node:net, and pre-rendered help never writes to stderr.
  process.stderr.on('error', () => {});
  const debug = argv.includes('--debug') || process.env.GURUSUP_DEBUG === '1' || process.env.GURUSUP_DEBUG === 'true';
  let main;
  try {
    main = require('./load.js').loadCli({ debug }).cli.main;
  } catch (err) {
    exitIfNotBuilt(err);
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal) => {
    interrupts += 1;
    // A second Ctrl-C ends at once, whatever is still running.
    if (interrupts > 1) process.exit(130);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const code = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made on first use: process.stdin on a file or /dev/null loads Node's fs streams (~1 ms).
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    signal: controller.signal,
  });
  process.exitCode = code;
  // Let stdout drain (pipes can be asynchronous), then end even if a socket lingers.
  // A write that failed earlier reports here at the latest (its 'error' event may come later).
  if (process.stdout.errored) return onStreamError(process.stdout.errored, 'stdout');
  // Nothing buffered (a file, a drained pipe): done. An empty write would fail on a full disk.
  if (process.stdout.writableLength === 0) return process.exit(code);
  process.stdout.write('', (err) => (err ? onStreamError(err, 'stdout') : process.exit(code)));
}
