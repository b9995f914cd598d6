/// <reference lib="dom" />
// The inspector page: the event list kept live from /api/stream, the selected event's detail, and
// replays through the JSON API. Built by build.mjs into dist/inspect/page.js; no inline script
// (the CSP forbids it), no network but the inspector itself.
import { summarize } from './describe.js';
import { connect } from './stream.js';
import type { ApiEvent, Delivery, Item, Status } from './types.js';
import { byId, clockTime, deliveryBlock, el, fillHeaders, fillRow, inert, prettyBody } from './view.js';

const items = new Map<number, Item>();
/** Newest first, as the list shows them. */
let order: number[] = [];
let selected: number | undefined;
let status: Status | undefined;
let filter = '';

const list = byId<HTMLOListElement>('events');
const filterBox = byId<HTMLInputElement>('filter');
const toBox = byId<HTMLInputElement>('to');
const editor = byId('editor');
const editorText = byId<HTMLTextAreaElement>('editor-text');
const editorError = byId('editor-error');
const note = byId('replay-note');

function summary(body: unknown): Item['summary'] {
  try {
    return summarize(body);
  } catch {
    const text = '(a body nested too deeply to show)';
    return { text, search: text, sender: '' };
  }
}

function makeItem(e: ApiEvent, replays: Item['replays'] = []): Item {
  const row = el('li', 'row');
  row.id = `ev-${e.id}`;
  row.setAttribute('role', 'option');
  row.dataset.id = String(e.id);
  const item: Item = { ...e, summary: summary(e.body), row, replays };
  fillRow(item, forwarding());
  return item;
}

const forwarding = () => Boolean(status?.forward_to);

function matches(item: Item): boolean {
  return !filter || item.summary.search.includes(filter);
}

function renderCounts(): void {
  let text = `${order.length} event${order.length === 1 ? '' : 's'}`;
  // Counted only while filtering: this runs for every event of a burst.
  if (filter) text += ` · ${order.filter((id) => !items.get(id)!.row.hidden).length} shown`;
  if (status?.dropped) text += ` · ${status.dropped} older dropped (the last ${status.max_events} are kept)`;
  byId('counts').textContent = text;
  byId('empty').hidden = order.length > 0;
}

function renderHeader(): void {
  const where = status?.listening ? `Listening on ${status.listening}` : 'Listening';
  byId('listening').textContent = status?.forward_to ? `${where} → forwarding to ${status.forward_to}` : where;
  toBox.placeholder = status?.forward_to ?? 'http://localhost:3000/hooks (no --forward-to: type a URL)';
}

/** The whole list from the API: after (re)connecting, as the server may have restarted. */
function setAll(events: ApiEvent[]): void {
  const fresh = new Map<number, Item>();
  for (const e of events) {
    const old = items.get(e.id);
    fresh.set(e.id, makeItem(e, old && old.received_at === e.received_at ? old.replays : []));
  }
  // Events streamed while the list was on its way are newer than all of it.
  const newest = events.length ? events[0]!.id : 0;
  for (const id of order) if (id > newest && !fresh.has(id)) fresh.set(id, items.get(id)!);
  items.clear();
  for (const [id, item] of fresh) items.set(id, item);
  order = [...items.keys()].sort((a, b) => b - a);
  list.replaceChildren(...order.map((id) => items.get(id)!.row));
  for (const id of order) items.get(id)!.row.hidden = !matches(items.get(id)!);
  if (selected !== undefined && !items.has(selected)) selected = undefined;
  select(selected, false);
  renderCounts();
}

function addEvent(e: ApiEvent): void {
  if (items.has(e.id)) return;
  const item = makeItem(e);
  items.set(e.id, item);
  order.unshift(e.id);
  item.row.hidden = !matches(item);
  list.prepend(item.row);
  // The page keeps no more than the inspector does.
  while (status && order.length > status.max_events) {
    const old = order.pop()!;
    items.get(old)!.row.remove();
    items.delete(old);
    if (selected === old) select(undefined, false);
  }
  renderCounts();
}

function select(id: number | undefined, scroll: boolean): void {
  for (const row of list.querySelectorAll('[aria-selected="true"]')) row.setAttribute('aria-selected', 'false');
  selected = id;
  const item = id === undefined ? undefined : items.get(id);
  const detail = byId('detail');
  if (!item) {
    detail.hidden = true;
    list.removeAttribute('aria-activedescendant');
    return;
  }
  item.row.setAttribute('aria-selected', 'true');
  list.setAttribute('aria-activedescendant', item.row.id);
  if (scroll) item.row.scrollIntoView({ block: 'nearest' });
  detail.hidden = false;
  if (detail.dataset.id !== String(item.id)) {
    detail.dataset.id = String(item.id);
    editor.hidden = true;
    note.textContent = '';
  }
  const s = item.summary;
  byId('d-title').textContent = inert(`Event ${item.id}${s.type ? ` · ${s.type}` : ''}`);
  byId('d-meta').textContent = inert(
    `${clockTime(item.received_at)} (${item.received_at}) · thread ${s.thread ?? '—'} · user ${s.user ?? '—'}` +
      (s.sender ? ` · from the ${s.sender}` : ''),
  );
  renderForward(item);
  renderReplays(item);
  fillHeaders(byId('headers'), item.headers);
  byId('body').textContent = prettyBody(item.body);
}

function renderForward(item: Item): void {
  const box = byId('forward');
  box.replaceChildren();
  if (item.forward) box.append(deliveryBlock(item.forward, `from ${status?.forward_to ?? '--forward-to'}`));
  else box.append(el('p', 'muted', forwarding() ? 'forwarding…' : 'Not forwarded (no --forward-to).'));
}

function renderReplays(item: Item): void {
  const box = byId('replays');
  box.replaceChildren();
  if (item.replays.length) box.append(el('h3', '', 'Replays'));
  for (const r of item.replays)
    box.append(deliveryBlock(r.result, `${r.edited ? 'edited, ' : ''}to ${r.to} at ${clockTime(r.at.toISOString())}`));
}

function visibleIds(): number[] {
  return order.filter((id) => !items.get(id)!.row.hidden);
}

function move(step: 1 | -1): void {
  const ids = visibleIds();
  if (!ids.length) return;
  const at = selected === undefined ? -1 : ids.indexOf(selected);
  const next = at < 0 ? (step > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, at + step));
  select(ids[next], true);
}

let sending = false;

/** Replays the selected event; `bodyText` is the edited body, checked to be JSON before anything is sent. */
async function replay(bodyText?: string): Promise<void> {
  const item = selected === undefined ? undefined : items.get(selected);
  if (!item || sending) return;
  if (bodyText !== undefined) {
    try {
      JSON.parse(bodyText);
    } catch (err) {
      editorError.textContent = `Not valid JSON, nothing sent: ${(err as Error).message}`;
      return;
    }
    editorError.textContent = '';
  }
  const to = toBox.value.trim();
  if (!to && !status?.forward_to) {
    note.textContent = 'Type a URL to replay to: the listener has no --forward-to.';
    toBox.focus();
    return;
  }
  const parts: string[] = [];
  if (to) parts.push(`"to":${JSON.stringify(to)}`);
  // The edited text as typed: the inspector sends exactly these bytes.
  if (bodyText !== undefined) parts.push(`"body":${bodyText.trim()}`);
  sending = true;
  note.textContent = 'Sending…';
  let result: Delivery;
  try {
    const res = await fetch(`/api/events/${item.id}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{${parts.join(',')}}`,
    });
    const v = JSON.parse(await res.text()) as Partial<Delivery>;
    result =
      'status' in v
        ? (v as Delivery)
        : { status: null, latency_ms: 0, response_body: '', error: v.error ?? `HTTP ${res.status}` };
  } catch (err) {
    result = {
      status: null,
      latency_ms: 0,
      response_body: '',
      error: `the inspector did not answer: ${(err as Error).message}`,
    };
  } finally {
    sending = false;
  }
  note.textContent = '';
  item.replays.unshift({
    at: new Date(),
    to: to || status?.forward_to || '--forward-to',
    edited: bodyText !== undefined,
    result,
  });
  if (bodyText !== undefined && result.status !== null) editor.hidden = true;
  if (selected === item.id) renderReplays(item);
}

function openEditor(): void {
  const item = selected === undefined ? undefined : items.get(selected);
  if (!item) return;
  editor.hidden = false;
  editorError.textContent = '';
  editorText.value = prettyBody(item.body);
  editorText.focus();
}

function typing(t: EventTarget | null): boolean {
  return t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (typing(e.target)) {
    if (e.key === 'Escape') (e.target as HTMLElement).blur();
    return;
  }
  const keys: Record<string, () => void> = {
    ArrowDown: () => move(1),
    ArrowUp: () => move(-1),
    j: () => move(1),
    k: () => move(-1),
    r: () => void replay(),
    e: openEditor,
    '/': () => filterBox.focus(),
  };
  const act = keys[e.key];
  if (!act) return;
  e.preventDefault();
  act();
});

list.addEventListener('click', (e) => {
  const row = (e.target as HTMLElement).closest('li.row') as HTMLElement | null;
  if (row) select(Number(row.dataset.id), false);
});

filterBox.addEventListener('input', () => {
  filter = filterBox.value.trim().toLowerCase();
  for (const id of order) items.get(id)!.row.hidden = !matches(items.get(id)!);
  renderCounts();
});

byId('replay').addEventListener('click', () => void replay());
byId('edit').addEventListener('click', openEditor);
byId('send').addEventListener('click', () => void replay(editorText.value));
editorText.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    void replay(editorText.value);
  }
});
byId('cancel').addEventListener('click', () => {
  editor.hidden = true;
  editorError.textContent = '';
});

const conn = byId('conn');
connect({
  status(s) {
    status = s;
    renderHeader();
    renderCounts();
  },
  all: setAll,
  event: addEvent,
  forward(id, d) {
    const item = items.get(id);
    if (!item) return;
    item.forward = d;
    fillRow(item, forwarding());
    if (selected === id) renderForward(item);
  },
  live(on) {
    conn.textContent = on ? '● live' : 'reconnecting…';
    conn.className = on ? 'conn live' : 'conn down';
  },
});
