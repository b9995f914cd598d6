// `node scripts/inspector-screenshot.mjs [out.png]`: the picture in docs/webhooks-inspector.md.
// Runs the built CLI's listener with --inspect and --forward-to a small local app, sends three
// events, replays one, and photographs the page in Debian's chromium (apt-get install -y chromium).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs/inspector.png'));
const KEY = 'gsk_docs_screenshot_0123456789';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  console.error(`error: no chromium at ${CHROMIUM}\nhint: apt-get install -y chromium (or set CHROMIUM)`);
  process.exit(1);
}

// The "app": answers like a small integration would, one event with a 500.
let n = 0;
const app = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    n++;
    const [status, body] = n === 2 ? [500, { error: 'order 1042 not found' }] : [200, { ok: true, handled: n }];
    setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)), 8 * n);
  });
});
await new Promise((r) => app.listen(0, '127.0.0.1', r));
const appUrl = `http://127.0.0.1:${app.address().port}/gurusup/webhook`;

const env = { PATH: process.env.PATH, HOME: process.env.HOME, GURUSUP_API_KEY: KEY };
env.GURUSUP_CONFIG_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'gurusup-shot-'));
const listener = spawn(
  process.execPath,
  [path.join(root, 'bin/gurusup.js'), 'webhook', 'listen', '--port', '0', '--forward-to', appUrl, '--inspect', '0'],
  { env, stdio: ['ignore', 'ignore', 'pipe'] },
);
let err = '';
listener.stderr.on('data', (d) => (err += d));
const started = Date.now();
while (!/Inspector on/.test(err)) {
  if (Date.now() - started > 10_000 || listener.exitCode !== null)
    throw new Error(`the listener did not start:\n${err}`);
  await new Promise((r) => setTimeout(r, 20));
}
const listenUrl = /Listening on (\S+)/.exec(err)[1];
const inspectUrl = /Inspector on (\S+)/.exec(err)[1];

const event = (thread, user, body, agent = false) =>
  JSON.stringify({
    event: 'send_message',
    data: {
      _id: Math.random().toString(16).slice(2, 14),
      thread_fid: thread,
      user_fid: user,
      body,
      lang: 'en',
      is_customer_support_agent: agent,
      created_at: new Date().toISOString(),
    },
  });
// As a webhook sender posts: a plain request, no browser headers.
const post = (body) =>
  new Promise((resolve, reject) => {
    const req = http.request(listenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'user-agent': 'Gurusup-Webhooks/1.0' },
    });
    req.on('response', (res) => res.resume().on('end', resolve));
    req.on('error', reject);
    req.end(body);
  });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gurusup-chromium-'));
const browser = await chromium.launchPersistentContext(dir, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1200, height: 720 },
  deviceScaleFactor: 1,
  colorScheme: 'light',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(inspectUrl);
  await page.waitForSelector('#conn.live');
  await post(event('order-1042', 'cust-ana', 'Hi! My order #1042 has not arrived yet. Can you check where it is?'));
  await post(event('order-1042', 'cust-ana', 'Also, can I change the delivery address to Calle Mayor 5?'));
  await post(
    event(
      'returns-77',
      'cust-kenji',
      'Your return label is ready: print it and drop the parcel at any post office.',
      true,
    ),
  );
  await page.waitForFunction(() => document.querySelectorAll('#events .fwd.good, #events .fwd.bad').length === 3);
  await page.click('#events li:nth-child(2)');
  await page.click('#replay');
  await page.waitForSelector('#replays .delivery');
  await page.screenshot({ path: out });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  await browser.close();
  listener.kill('SIGINT');
  app.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
