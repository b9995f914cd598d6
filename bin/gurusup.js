#!/usr/bin/env node
// The shim: runs main() and is the only place that ends the process.
import { main } from '../dist/cli.js';

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

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;
// Let stdout drain (pipes can be asynchronous), then end even if a socket lingers.
process.stdout.write('', () => process.exit(code));
