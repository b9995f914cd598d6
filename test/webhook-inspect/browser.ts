import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`), or $CHROMIUM. */
export const CHROMIUM = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => !!p && fs.existsSync(p),
);
export const NO_CHROMIUM =
  'browser tests skipped: no chromium at /usr/bin/chromium; install it with `apt-get install -y chromium` (or set CHROMIUM)';

// CI installs chromium: there, its absence is a failure, not a skip.
if (!CHROMIUM && process.env.CI) throw new Error(NO_CHROMIUM.replace('skipped', 'cannot run'));
if (!CHROMIUM) console.warn(NO_CHROMIUM);

export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium with a fresh profile (playwright's launch makes a new user-data-dir each time). */
export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Dialogs (alert, confirm…) the page opened: a hostile body that ran would open one. */
  dialogs: string[];
  /** Requests to anywhere but the inspector (refused). */
  foreign: string[];
  /** POSTs the page made, as method + path. */
  posts: string[];
  /** Uncaught errors in the page's script. */
  errors: string[];
}

/** A new context and page on the inspector at `url`, network fenced to it, dialogs recorded. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport = { width: 1100, height: 760 },
): Promise<Watched> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const origin = new URL(url).origin;
  const w: Watched = { context, page, dialogs: [], foreign: [], posts: [], errors: [] };
  page.on('pageerror', (e) => w.errors.push(e.message));
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (new URL(u).origin === origin) return route.continue();
    w.foreign.push(u);
    return route.abort();
  });
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (r.method() === 'POST') w.posts.push(`POST ${new URL(r.url()).pathname}`);
  });
  await page.goto(url);
  await page.waitForSelector('#conn.live');
  return w;
}

/** The rows as their visible text, top to bottom. */
export function rowTexts(page: Page): Promise<string[]> {
  return page.$$eval('#events li.row:not([hidden])', (rows) => rows.map((r) => (r as HTMLElement).innerText));
}
