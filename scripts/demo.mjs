// `npm run demo`: the whole flow on one machine, no account needed.
// Starts the local sandbox and a webhook listener, then runs the commands a user would type.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/gurusup.js');
const KEY = 'gsk_demo_local_sandbox_key';
const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gurusup-demo-'));
const baseEnv = { ...process.env, GURUSUP_CONFIG_DIR: configDir };
delete baseEnv.GURUSUP_API_KEY;
delete baseEnv.GURUSUP_BASE_URL;
delete baseEnv.GURUSUP_PROFILE;
const children = [];
const bold = (s) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[22m` : s);

function background(args, env = baseEnv) {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const entry = { child, exited, out: () => out, err: () => err };
  children.push(entry);
  return entry;
}

async function waitFor(entry, re, what) {
  for (let i = 0; i < 1000; i++) {
    const m = entry.err().match(re);
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what} did not start:\n${entry.err()}`);
}

function runShown(display, args, { env = baseEnv, input, expectCode = 0 } = {}) {
  console.log(`\n${bold(`$ ${display}`)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'],
    });
    if (input !== undefined) child.stdin.end(input);
    child.on('exit', (code) => (code === expectCode ? resolve() : reject(new Error(`'${display}' exited ${code}`))));
  });
}

async function stopAll() {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGINT');
  await Promise.all(children.map((c) => c.exited));
  fs.rmSync(configDir, { recursive: true, force: true });
}

try {
  console.log(bold('gurusup demo: a local Gurusup sandbox, a webhook listener, and the CLI against them'));
  const listener = background(['webhook', 'listen', '--port', '0', '--count', '1', '--json'], {
    ...baseEnv,
    GURUSUP_API_KEY: KEY,
  });
  const hookUrl = await waitFor(listener, /Listening on (http:\/\/\S+)/, 'webhook listen');
  const sandbox = background(['sandbox', '--port', '0', '--api-key', KEY, '--webhook-url', hookUrl, '--quiet']);
  const apiUrl = await waitFor(sandbox, /sandbox on (http:\/\/\S+)/, 'sandbox');
  console.log(`sandbox API: ${apiUrl}   webhook listener: ${hookUrl}`);

  await runShown(
    `echo "$KEY" | gurusup auth login --with-key --base-url ${apiUrl}`,
    ['auth', 'login', '--with-key', '--base-url', apiUrl],
    { input: `${KEY}\n` },
  );
  await runShown('gurusup threads list', ['threads', 'list']);
  await runShown(
    'gurusup messages send --thread order-2077 --user cust-demo --lang en --body "Hi! Where is my parcel? Order 2077."',
    [
      'messages',
      'send',
      '--thread',
      'order-2077',
      '--user',
      'cust-demo',
      '--lang',
      'en',
      '--subject',
      'Where is my parcel?',
      '--body',
      'Hi! Where is my parcel? Order 2077.',
    ],
  );
  await runShown('gurusup threads show order-2077', ['threads', 'show', 'order-2077']);

  console.log(`\n${bold('The webhook event the listener received (gurusup webhook listen --count 1 --json):')}`);
  const code = await Promise.race([
    listener.exited,
    new Promise((r) => setTimeout(() => r('timeout'), 15_000).unref()),
  ]);
  if (code !== 0) throw new Error(`the listener did not receive the event (${code}):\n${listener.err()}`);
  console.log(JSON.stringify(JSON.parse(listener.out()), null, 2));

  // gurusup eval: regression tests for the AI's replies, against the same sandbox.
  const suite = path.join(path.dirname(BIN), '..', 'examples', 'support.eval.yaml');
  console.log(`\n${bold("Regression tests for the AI's replies: a suite that passes (examples/support.eval.yaml)")}`);
  const judge = `node ${path.join(path.dirname(suite), 'judge.mjs')}`;
  await runShown('gurusup eval examples/support.eval.yaml --judge-cmd "node examples/judge.mjs"', [
    'eval',
    suite,
    '--judge-cmd',
    judge,
  ]);
  const broken = path.join(configDir, 'support-broken.eval.yaml');
  const text = fs.readFileSync(suite, 'utf8');
  fs.writeFileSync(
    broken,
    text.replace(
      '- icontains: "refund"',
      '- icontains: "30 days"   # wrong on purpose: the sandbox says 5–7 business days',
    ),
  );
  console.log(
    `\n${bold('The same suite with one expectation made wrong on purpose (icontains: "30 days"), to show a failure report:')}`,
  );
  await runShown(
    'gurusup eval support-broken.eval.yaml --judge-cmd "node examples/judge.mjs"',
    ['eval', broken, '--judge-cmd', judge],
    { expectCode: 1 },
  );
  console.log(
    `\n${bold('That failure (exit 1) was on purpose: it is what a regression looks like. The demo itself succeeded.')}`,
  );
  await stopAll();
  console.log(`\n${bold('Demo finished: everything ran locally and has been stopped.')}`);
} catch (err) {
  console.error(`demo failed: ${err.message}`);
  await stopAll();
  process.exitCode = 1;
}
