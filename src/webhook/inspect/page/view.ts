/// <reference lib="dom" />
// Everything from an event, a receiver or a header is put on the page as text (textContent):
// nothing here parses HTML, so a body carrying <script> or <img onerror> is only ever text.
import { pretty, parseExact } from './json.js';
import { start } from './describe.js';
import type { Delivery, Item } from './types.js';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
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
    el('span', 'text', start(s.text)),
  );
  row.title = `thread ${s.thread ?? '—'} · user ${s.user ?? '—'}`;
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
      if (text.trim()) text = pretty(parseExact(text));
    } catch {
      // not JSON: shown as it came
    }
    box.append(el('pre', 'response', text || '(empty response body)'));
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
