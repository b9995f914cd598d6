/// <reference lib="dom" />
// Everything from an event, a receiver or a header is put on the page as text (textContent):
// nothing here parses HTML, so a body carrying <script> or <img onerror> is only ever text.
import { pretty, parseExact } from './json.js';
import { start } from './describe.js';
import type { Delivery, Item } from './types.js';
import { safeJson, UNSAFE_BUT_NL_TAB_CLASS } from '../../../output/escape.js';

// The CLI's one class of characters that act instead of showing (src/output/escape.ts).
const UNSEEN = new RegExp(`[${UNSAFE_BUT_NL_TAB_CLASS}]`, 'g');
const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text with the characters that would act instead of showing made visible as \u escapes, as the
 * CLI does on a terminal: controls, and bidi overrides that would show a thread_fid backwards.
 */
export function inert(s: string): string {
  return s.replace(UNSEEN, escape);
}

/** JSON text the same way: those characters only occur in strings, where \u escapes mean the same. */
export function inertJson(json: string): string {
  return safeJson(json);
}

/**
 * The body as indented JSON, for the detail pane and the editor. A body nested too deep for the
 * page's stack (the listener takes any JSON up to --max-body) is shown on one line instead.
 */
export function prettyBody(v: unknown): string {
  try {
    return inertJson(pretty(v));
  } catch {
    try {
      return inertJson(JSON.stringify(v));
    } catch {
      return '(this body is nested too deeply to show)';
    }
  }
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = inert(text);
  return e;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time, as the listener prints it. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A delivery in a few words, and its colour class. */
export function deliveryLabel(d: Delivery | undefined, pending: boolean): { text: string; cls: string } {
  if (!d) return pending ? { text: 'forwarding…', cls: 'pending' } : { text: '', cls: '' };
  if (d.status === null) return { text: `failed · ${d.latency_ms} ms`, cls: 'bad' };
  const cls = d.status >= 200 && d.status < 300 ? 'good' : 'bad';
  return { text: `${d.status} · ${d.latency_ms} ms`, cls };
}

/** One row of the list: time, thread, user, forward status; then the start of the body. */
export function fillRow(item: Item, forwarding: boolean): void {
  const row = item.row;
  row.replaceChildren();
  const s = item.summary;
  const fwd = deliveryLabel(item.forward, forwarding);
  row.append(
    el('span', 'time', clockTime(item.received_at)),
    el('span', 'thread', s.thread ?? '—'),
    el('span', 'user', s.user ?? '—'),
    el('span', `fwd ${fwd.cls}`, fwd.text),
    text(s.sender, start(s.text)),
  );
  row.title = inert(`thread ${s.thread ?? '—'} · user ${s.user ?? '—'}`);
}

/** The start of the body, after who sent it when its fields say. */
function text(sender: string, body: string): HTMLElement {
  const span = el('span', 'text');
  if (sender) span.append(el('span', `who ${sender}`, sender), ' ');
  span.append(inert(body));
  return span;
}

/** A receiver's answer shown the same way for a forward and for each replay. */
export function deliveryBlock(d: Delivery, heading: string): HTMLElement {
  const box = el('div', 'delivery');
  const label = deliveryLabel(d, false);
  const head = el('p', 'delivery-head');
  head.append(el('span', `badge ${label.cls}`, label.text), el('span', 'muted', ` ${heading}`));
  box.append(head);
  if (d.error) box.append(el('p', 'error', d.error));
  if (d.status !== null) {
    let text = d.response_body;
    try {
      if (text.trim()) text = inertJson(pretty(parseExact(text)));
    } catch {
      // not JSON (or too deep to indent): shown as it came
    }
    const pre = el('pre', 'response');
    // A pre keeps newlines and tabs; everything else that would act is made visible.
    pre.textContent = text ? text.replace(UNSEEN, escape) : '(empty response body)';
    box.append(pre);
    if (d.truncated) box.append(el('p', 'muted', 'response cut at 64 KiB'));
  }
  return box;
}

export function fillHeaders(dl: HTMLElement, headers: Record<string, unknown>): void {
  dl.replaceChildren();
  for (const [name, value] of Object.entries(headers)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) dl.append(el('dt', '', name), el('dd', '', String(v)));
  }
}
