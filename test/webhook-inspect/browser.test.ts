import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/io.js';
import { needs } from '../helpers/needs.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { CHROMIUM, NO_CHROMIUM, launch, openPage, rowTexts, type Watched } from './browser.js';
import { KEY, events, killAll, sendEvent, startInspecting, until } from './harness.js';

// The inspector page in a real chromium, against the built CLI.
let browser: Browser;
const servers: TestServer[] = [];
const pages: Watched[] = [];

beforeAll(async () => {
  needs(!CHROMIUM && NO_CHROMIUM.replace('browser tests skipped: ', ''));
  browser = await launch();
}, 30_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const w of pages.splice(0)) await w.context.close();
  killAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function receiver(status = 200) {
  const s = await startServer((r, res, n) => sendJson(res, status, { got: n, len: r.body.length }));
  servers.push(s);
  return s;
}

async function open(url: string, viewport?: { width: number; height: number }) {
  const w = await openPage(browser, url, viewport);
  pages.push(w);
  return w;
}

const message = (thread: string, user: string, body: string) =>
  JSON.stringify({ event: 'send_message', data: { thread_fid: thread, user_fid: user, body } });

describe('the inspector page in chromium', () => {
  it('shows an event posted after the page loaded, without a reload, newest first', async () => {
    const app = await receiver();
    const l = await startInspecting(['--forward-to', app.url]);
    const { page, foreign } = await open(l.url);
    await page.evaluate(() => ((window as unknown as { loadedOnce: number }).loadedOnce = 1));
    expect(await rowTexts(page)).toEqual([]);
    await page.waitForSelector('#empty', { state: 'visible' });

    await sendEvent(l.listenUrl, message('order-1042', 'cust-ana', 'Where is my parcel?'));
    await page.waitForSelector('#events li.row', { timeout: 5_000 });
    await sendEvent(l.listenUrl, message('returns-77', 'cust-kenji', 'Label please'));
    await page.waitForFunction(() => document.querySelectorAll('#events .fwd.good').length === 2);
    const rows = await rowTexts(page);
    expect(rows[0]).toMatch(/\d\d:\d\d:\d\d[\s\S]*returns-77[\s\S]*cust-kenji[\s\S]*200 · \d+ ms[\s\S]*Label please/);
    expect(rows[1]).toMatch(/order-1042[\s\S]*cust-ana[\s\S]*200 · \d+ ms[\s\S]*Where is my parcel\?/);
    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: number }).loadedOnce)).toBe(1);
    expect(await page.locator('#counts').innerText()).toBe('2 events');
    expect(await page.locator('#empty').isVisible()).toBe(false);

    // The detail: headers (key redacted), the body indented, the receiver's answer.
    await page.click('#events li.row >> nth=1');
    const detail = await page.locator('#detail').innerText();
    expect(detail).toContain('x-api-key');
    expect(detail).toContain('[redacted]');
    expect(await page.locator('#body').innerText()).toBe(
      JSON.stringify(JSON.parse(message('order-1042', 'cust-ana', 'Where is my parcel?')), null, 2),
    );
    expect(await page.locator('#forward').innerText()).toMatch(/200 · \d+ ms[\s\S]*"got": 1/);
    expect(await page.content()).not.toContain(KEY);
    expect(foreign).toEqual([]);
  });

  it('renders hostile bodies as text: no script runs, no dialog opens, no element is made', async () => {
    const l = await startInspecting();
    const { page, dialogs, foreign } = await open(l.url);
    const hostile = [
      message('<img src=x onerror="window.pwned=1">', '<script>window.pwned=2</script>', '<script>alert(1)</script>'),
      message('t2', 'u2', '<img src=x onerror="alert(document.domain);window.pwned=3">'),
      message('t3', 'u3', '<a href="javascript:alert(3)">click me</a> javascript:window.pwned=4'),
      JSON.stringify({ '<svg onload=alert(5)>': '<iframe src="javascript:alert(6)">', n: 1 }),
    ];
    for (const body of hostile)
      expect((await sendEvent(l.listenUrl, body, { 'x-note': '<img src=x onerror=alert(7)>' })).status).toBe(200);
    await page.waitForFunction(() => document.querySelectorAll('#events li.row').length === 4);
    // Every event's detail too: headers, body, title.
    for (let i = 0; i < 4; i++) {
      await page.click(`#events li.row >> nth=${i}`);
      await page.waitForSelector('#detail:not([hidden])');
    }
    // Time for an image's onerror to fire, had one been made.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    const made = await page.$$eval(
      '#events img, #events script, #events a, #events svg, #events iframe, #detail img, #detail script, #detail a, #detail svg, #detail iframe',
      (e) => e.length,
    );
    expect(made).toBe(0);
    // ... and the text is there, as text.
    const text = await page.locator('#events').innerText();
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('<img src=x onerror="window.pwned=1">');
    expect(await page.locator('#headers').innerText()).toContain('<img src=x onerror=alert(7)>');
    expect(foreign).toEqual([]);
  });

  it('shows odd bodies without breaking: controls and bidi overrides visible, deep nesting, bare values', async () => {
    const l = await startInspecting();
    const { page, errors } = await open(l.url);
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const odd = [
      message('order\u202e1042', 'cust\u0007\u001b[31m', 'line one\nline two \u2066hidden\u2069'),
      deep,
      '"just a string"',
      '42',
      'null',
      '{}',
    ];
    for (const body of odd) expect((await sendEvent(l.listenUrl, body)).status, body.slice(0, 40)).toBe(200);
    await sendEvent(l.listenUrl, message('after', 'u', 'the list goes on'));
    await page.waitForFunction(() => document.querySelectorAll('#events li.row').length === 7);
    const rows = await rowTexts(page);
    expect(rows[0]).toContain('the list goes on');
    expect(rows[6]).toContain('order\\u202e1042');
    expect(rows[6]).toContain('cust\\u0007\\u001b[31m');
    expect(rows[6]).not.toMatch(/[\u0007\u001b\u202e\u2066]/);
    for (let i = 0; i < 7; i++) {
      await page.click(`#events li.row >> nth=${i}`);
      expect((await page.locator('#body').innerText()).length, `row ${i}`).toBeGreaterThan(0);
    }
    await page.click('#events li.row >> nth=6');
    expect(await page.locator('#body').innerText()).toContain('"thread_fid": "order\\u202e1042"');
    expect(await page.locator('#body').innerText()).not.toMatch(/[\u202e\u2066]/);
    expect(errors).toEqual([]);
  });

  it('labels who sent each message from its fields, as the rest of the CLI does', async () => {
    const l = await startInspecting();
    const { page } = await open(l.url);
    const msg = (data: Record<string, unknown>) =>
      JSON.stringify({ event: 'send_message', data: { thread_fid: 't', user_fid: 'u', body: 'hi', ...data } });
    await sendEvent(l.listenUrl, msg({ is_customer_support_agent: true }));
    await sendEvent(l.listenUrl, msg({ is_customer_support_agent: false }));
    await sendEvent(l.listenUrl, msg({ role: 'assistant', is_customer_support_agent: true }));
    await sendEvent(l.listenUrl, msg({}));
    await page.waitForFunction(() => document.querySelectorAll('#events li.row').length === 4);
    const who = await page.$$eval('#events li.row', (rows) =>
      rows.map((r) => r.querySelector('.who')?.textContent ?? ''),
    );
    expect(who).toEqual(['', 'system', 'customer', 'agent']);
    await page.click('#events li.row >> nth=3');
    expect(await page.locator('#d-meta').innerText()).toMatch(/ · from the agent$/);
  });

  it('replays, and edits then replays, to the receiver with the key and the right body', async () => {
    const app = await receiver(202);
    const other = await receiver(500);
    const l = await startInspecting(['--forward-to', app.url]);
    const w = await open(l.url);
    const { page } = w;
    const sent = message('order-1042', 'cust-ana', 'Where is my parcel?');
    await sendEvent(l.listenUrl, sent);
    await page.waitForSelector('#events .fwd.good');
    await page.click('#events li.row');

    await page.click('#replay');
    await page.waitForSelector('#replays .delivery');
    expect(app.requests).toHaveLength(2);
    expect(app.requests[1]!.body).toBe(sent);
    expect(app.requests[1]!.headers['x-api-key']).toBe(KEY);
    expect(await page.locator('#replays .delivery').first().innerText()).toMatch(
      new RegExp(`202 · \\d+ ms to ${app.url.replace(/\./g, '\\.')}[\\s\\S]*"got": 2`),
    );

    // Edit and replay, to a URL typed on the page.
    await page.fill('#to', `${other.url}/typed`);
    await page.click('#edit');
    const editor = page.locator('#editor-text');
    expect(JSON.parse(await editor.inputValue())).toEqual(JSON.parse(sent));
    const edited =
      '{"event":"send_message","data":{"thread_fid":"order-1042","body":"edited ✓ مرحبا","n":12345678901234567890}}';
    await editor.fill(edited);
    await editor.press('Control+Enter');
    await page.waitForSelector('#replays .delivery >> nth=1');
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]!.path).toBe('/typed');
    expect(other.requests[0]!.body).toBe(edited);
    expect(other.requests[0]!.headers['x-api-key']).toBe(KEY);
    const newest = await page.locator('#replays .delivery').first().innerText();
    expect(newest).toMatch(/500 · \d+ ms edited, to http:\/\/127\.0\.0\.1:\d+\/typed/);
    expect(await page.locator('#editor').isVisible()).toBe(false);
    expect(await page.content()).not.toContain(KEY);
  });

  it('another web page cannot make it replay (Origin check), nor read its events', async () => {
    const app = await receiver();
    const l = await startInspecting(['--forward-to', app.url]);
    await sendEvent(l.listenUrl, message('t', 'u', 'secret business'));
    await until('the forward', () => (app.requests.length === 1 ? true : undefined));
    const target = `${l.url}api/events/1/replay`;
    // A page on another origin that tries a form post, a no-cors fetch and a read.
    const evil = await startServer((_r, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><form id=f method=POST action="${target}" enctype="text/plain" target=sink>
        <input name='{"to":"${app.url}/evil","x":"' value='"}'></form><iframe name=sink></iframe>
        <script>
          fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', body: '{}' }).catch(() => {});
          fetch(${JSON.stringify(`${l.url}api/events`)}).then((r) => r.text()).then(
            (t) => (document.title = 'read:' + t.length),
            () => (document.title = 'blocked'),
          );
          document.getElementById('f').submit();
        </script>`);
    });
    servers.push(evil);
    const context = await browser.newContext();
    pages.push({ context } as Watched);
    const page = await context.newPage();
    // Both replay attempts reach the inspector: each gets an answer (403) or is refused by the
    // browser on reading it (cross-origin), never a 2xx.
    const answers: number[] = [];
    let settled = 0;
    page.on('response', (r) => {
      if (r.url().startsWith(target)) answers.push(r.status());
    });
    const onEnd = (r: Request) => {
      if (r.url().startsWith(target)) settled++;
    };
    page.on('requestfinished', onEnd);
    page.on('requestfailed', onEnd);
    await page.goto(evil.url);
    await page.waitForFunction(() => document.title !== '');
    expect(await page.title()).toBe('blocked');
    await until('both replay attempts', () => (settled >= 2 ? true : undefined));
    expect(answers).toContain(403);
    await page.waitForTimeout(300);
    expect(app.requests).toHaveLength(1); // the forward only
    expect(answers.filter((s) => s !== 403)).toEqual([]);
  });

  it('refuses invalid JSON in the editor and sends nothing', async () => {
    const app = await receiver();
    const l = await startInspecting(['--forward-to', app.url]);
    const { page, posts } = await open(l.url);
    await sendEvent(l.listenUrl, message('t', 'u', 'hello'));
    await page.waitForSelector('#events .fwd.good');
    await page.click('#events li.row');
    await page.click('#edit');
    for (const bad of ['{"event": "x",}', '{"a": 1', "{'a': 1}", '', 'NaN']) {
      await page.evaluate(() => (document.getElementById('editor-error')!.textContent = ''));
      await page.locator('#editor-text').fill(bad);
      await page.click('#send');
      expect(await page.locator('#editor-error').innerText(), bad).toMatch(/^Not valid JSON, nothing sent: /);
    }
    // Ctrl+Enter sends from the editor, after the same check.
    await page.evaluate(() => (document.getElementById('editor-error')!.textContent = ''));
    await page.locator('#editor-text').fill('{"still": "broken"');
    await page.locator('#editor-text').press('Control+Enter');
    expect(await page.locator('#editor-error').innerText()).toMatch(/^Not valid JSON, nothing sent: /);
    await page.waitForTimeout(300);
    expect(posts).toEqual([]);
    expect(app.requests).toHaveLength(1); // the forward only
    expect(await page.locator('#editor').isVisible()).toBe(true);
  });

  it('filters by thread, user or text, and works from the keyboard', async () => {
    const app = await receiver();
    const l = await startInspecting(['--forward-to', app.url]);
    const { page } = await open(l.url);
    await sendEvent(l.listenUrl, message('order-1042', 'cust-ana', 'Where is my parcel?'));
    await sendEvent(l.listenUrl, message('returns-77', 'cust-kenji', 'Label please'));
    await sendEvent(l.listenUrl, message('billing-5', 'cust-zoe', 'Invoice for ORDER 1042'));
    await page.waitForFunction(() => document.querySelectorAll('#events .fwd.good').length === 3);

    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter');
    await page.keyboard.type('kenji');
    expect((await rowTexts(page)).map((r) => r.includes('returns-77'))).toEqual([true]);
    await page.locator('#filter').fill('1042');
    expect((await rowTexts(page)).length).toBe(2); // thread order-1042, and text "ORDER 1042"
    await page.locator('#filter').fill('PARCEL');
    expect((await rowTexts(page)).map((r) => r.includes('order-1042'))).toEqual([true]);
    expect(await page.locator('#counts').innerText()).toBe('3 events · 1 shown');
    await page.locator('#filter').fill('');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('filter');

    const selected = () => page.locator('#events li[aria-selected="true"]').innerText();
    await page.keyboard.press('ArrowDown');
    expect(await selected()).toContain('billing-5');
    await page.keyboard.press('ArrowDown');
    expect(await selected()).toContain('returns-77');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await selected()).toContain('order-1042');
    await page.keyboard.press('ArrowUp');
    expect(await selected()).toContain('returns-77');
    expect(await page.locator('#d-title').innerText()).toBe('Event 2 · send_message');
    // r replays the selected event.
    await page.keyboard.press('r');
    await page.waitForSelector('#replays .delivery');
    expect(app.requests).toHaveLength(4);
    expect(app.requests[3]!.body).toBe(message('returns-77', 'cust-kenji', 'Label please'));
  });

  it('is usable 360 px wide (40 columns): nothing overflows, an event can be read and replayed', async () => {
    const app = await receiver();
    const l = await startInspecting(['--forward-to', `${app.url}/a/rather/long/path/to/the/webhook/endpoint`]);
    const { page } = await open(l.url, { width: 360, height: 740 });
    const long = 'x'.repeat(400);
    await sendEvent(l.listenUrl, message(`thread-${long}`, `user-${long}`, `A body without spaces ${long}`));
    await sendEvent(l.listenUrl, message('order-1042', 'cust-ana', 'Where is my parcel?'));
    await page.waitForFunction(() => document.querySelectorAll('#events .fwd.good').length === 2);
    await page.click('#events li.row >> nth=1');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    for (const sel of ['#filter', '#events li.row >> nth=0', '#replay', '#edit', '#to', '#body']) {
      const box = await page.locator(sel).boundingBox();
      expect(box, sel).not.toBeNull();
      expect(box!.x, sel).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, sel).toBeLessThanOrEqual(360);
    }
    await page.click('#replay');
    await page.waitForSelector('#replays .delivery');
    expect(app.requests).toHaveLength(3);
  });

  it('says how many older events were dropped past 1,000', async () => {
    const l = await startInspecting(['--json']);
    const { page } = await open(l.url);
    for (let i = 1; i <= 1003; i += 17)
      await Promise.all(
        Array.from({ length: Math.min(17, 1004 - i) }, (_, j) => sendEvent(l.listenUrl, `{"i":${i + j}}`)),
      );
    await page.waitForFunction(() => /3 older dropped/.test(document.getElementById('counts')?.textContent ?? ''));
    expect(await page.locator('#counts').innerText()).toBe('1000 events · 3 older dropped (the last 1000 are kept)');
    expect(await page.locator('#events li.row').count()).toBe(1000);
    expect((await events(l.port))[999]!.id).toBe(4);
    // A reload shows the same.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#events li.row').length === 1000);
    expect(await page.locator('#counts').innerText()).toContain('3 older dropped');
  });

  it('the docs screenshot script writes a PNG of the page with three events', async () => {
    const out = path.join(tempDir(), 'inspector.png');
    const root = path.resolve(import.meta.dirname, '../..');
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts/inspector-screenshot.mjs'), out], {
      env: { ...process.env, CHROMIUM: CHROMIUM! },
      timeout: 60_000,
    });
    const png = fs.readFileSync(out);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 720]);
  }, 60_000);
});
