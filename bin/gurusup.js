#!/usr/bin/env node
'use strict';
// The shim, and the only place that ends the process. It is CommonJS (bin/package.json) and
// answers --version and --help from text rendered at build time, so those load no module at all.

const argv = process.argv.slice(2);

function prerendered() {
  const last = argv[argv.length - 1];
  const words = argv.slice(0, -1);
  if (argv.length === 1 && (last === '--version' || last === '-v')) return 'version';
  if ((last === '--help' || last === '-h') && words.every((w) => /^[a-z]+$/.test(w))) return words.join(' ');
  return undefined;
}

const key = prerendered();
const texts = key === undefined ? undefined : require('../dist/help.json');
if (texts && typeof texts[key] === 'string') {
  process.stdout.write(fitted(texts[key]));
} else {
  run();
}

/** Help is stored unwrapped; fit it to the terminal (80 columns in a pipe) as the bundle would. */
function fitted(text) {
  const out = process.stdout;
  const width = out.isTTY && out.columns > 0 ? out.columns : 80;
  if (text.split('\n').every((line) => line.length <= width)) return text;
  return require('../dist/help-fit.cjs').fitHelp(text, width);
}

async function run() {
  const { main } = require('./load.js').loadCli().cli;
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

  // A reader that closed early (`| head`) is not an error: stop quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }

  const code = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signal: controller.signal,
  });
  process.exitCode = code;
  // Let stdout drain (pipes can be asynchronous), then end even if a socket lingers.
  process.stdout.write('', () => process.exit(code));
}
