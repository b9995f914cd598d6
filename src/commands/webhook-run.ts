import fs from 'node:fs/promises';
import { UNSAFE_CLASS } from '../output/escape.js';
import { fileError, knownFileProblem } from '../fs/files.js';
import { sampleEvent } from '../webhook/sample.js';
import type { Handler } from './types.js';
import type { Context } from '../context.js';
import { EXIT, AuthError, CliError, InterruptedError, NetworkError, UsageError, statusLine } from '../errors.js';
import type { Inspector } from '../webhook/inspect/index.js';
import { INSPECT_PORT, failedDelivery, keeper, startInspectorFor } from './webhook-inspect.js';
import { now } from '../runtime/clock.js';
import { describeEvent, eventBlock } from '../webhook/event.js';
import { startListener, type AcceptedEvent, type Listener } from '../webhook/listener.js';
import { turnBatcher } from '../webhook/turn-batcher.js';
import { bindError, isLoopback, untilAborted } from '../server/http-server.js';
import { LineAppender, NotRegularFileError } from '../webhook/record.js';
import { memberText } from '../webhook/json-text.js';
import { checkUrl, endpointHint, postEvent } from '../webhook/send.js';
import { isObject, pickFields, tsvRow } from '../output/format.js';
import { plural } from '../output/plural.js';

const MAX_PENDING_FORWARDS = 1000;

/** As declared in webhook.ts (port, count and max-body are validated numbers there). */
export interface ListenOptions {
  port: number;
  host: string;
  path: string;
  forwardTo?: string;
  record?: string;
  count?: number;
  verify: boolean;
  maxBody: number;
  /** --inspect [port]: the inspector's port, true when given without one (4040). */
  inspect?: number | true;
}

export interface TriggerOptions {
  to: string;
  thread: string;
  user: string;
  body: string;
}

export const listen: Handler<ListenOptions> = async (ctx, _args, opts) => {
  const { out } = ctx;
  const { host, port, path } = opts;
  const verify = opts.verify !== false;
  if (!path.startsWith('/')) throw new UsageError(`--path must start with "/", got ${JSON.stringify(path)}`);
  // No request line can carry these (Node refuses them), and the "Listening on" line would print them.
  if (new RegExp(`[\\s${UNSAFE_CLASS}]`).test(path)) {
    throw new UsageError(
      `--path cannot contain spaces or control characters, got ${JSON.stringify(path)}`,
      'percent-encode them, as a sender would: /hooks/a%20b',
    );
  }
  if (!verify && !isLoopback(host)) {
    throw new UsageError(
      `refusing to accept unverified events on ${host}: anyone on the network could post to it`,
      'drop --no-verify, or bind 127.0.0.1',
    );
  }
  const forwardTo = opts.forwardTo !== undefined ? checkUrl(opts.forwardTo, '--forward-to') : undefined;
  // Forwards in flight finish while the listener drains after Ctrl-C.
  const forwardClient = forwardTo
    ? await ctx.webhookClient({ timeoutMs: 10_000, cancelOnInterrupt: false })
    : undefined;
  let apiKey: string | undefined;
  if (verify) {
    const s = await ctx.settings();
    if (!s.apiKey)
      throw new AuthError('no API key to verify incoming events with', {
        hint: "run 'gurusup auth login', set GURUSUP_API_KEY, or pass --no-verify",
      });
    apiKey = s.apiKey;
  }

  let record: LineAppender | undefined;
  if (opts.record !== undefined) {
    try {
      record = await LineAppender.open(opts.record);
    } catch (err) {
      if (err instanceof NotRegularFileError)
        throw new UsageError(
          `--record must name a regular file: ${opts.record} is not one`,
          'pass the path of a file to append to (it is created if missing)',
        );
      throw fileError('write', '--record', opts.record, err);
    }
  }
  // A key a confused sender put in the URL path is hidden in the reject lines too.
  ctx.redactor.add(apiKey);

  const ndjson = !out.human;
  const fields = out.opts.fields;
  const count = opts.count;
  let stop!: () => void;
  const stopped = Promise.race([untilAborted(ctx.signal), new Promise<void>((resolve) => (stop = resolve))]);
  const pending = new Set<Promise<void>>();
  let forwardFailures = 0;
  /** The first failed stdout write: it stops the listener. */
  let writeError: NodeJS.ErrnoException | undefined;
  const forward = (ev: AcceptedEvent) => {
    // Kept once its entry is on stdout, before the 200: the page never shows what stdout lacks.
    const seen = inspector?.add(ev);
    if (!forwardTo) return;
    if (pending.size >= MAX_PENDING_FORWARDS) {
      forwardFailures++;
      out.problem(`forward skipped: ${MAX_PENDING_FORWARDS} forwards already in flight`);
      return;
    }
    const key = typeof ev.headers['x-api-key'] === 'string' ? ev.headers['x-api-key'] : apiKey;
    const started = seen ? now() : 0;
    const p = postEvent(forwardTo, ev.raw, key, { timeoutMs: 10_000, client: forwardClient, flag: '--forward-to' })
      .then((r) => {
        if (seen) inspector!.forwarded(seen, { status: r.status, latency_ms: r.ms, response_body: r.text });
        const ok = r.status >= 200 && r.status < 300;
        if (!ok) forwardFailures++;
        const line = `→ forwarded to ${forwardTo}: ${statusLine(r.status)} (${r.ms} ms)`;
        if (ok) out.info(line);
        else out.problem(line);
      })
      .catch((err: Error) => {
        if (seen) inspector!.forwarded(seen, failedDelivery(err, started));
        forwardFailures++;
        out.problem(`forward to ${forwardTo} failed: ${err.message}`);
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  // The entries of one event-loop turn go out in one write, then their 200s (BENCHMARKS.md).
  // A failed write stops the listener; each of its events is answered 503 by the listener.
  const writeInTurn = turnBatcher((text) =>
    out.writeWait(text).catch((err: unknown) => {
      writeError ??= err as NodeJS.ErrnoException;
      stop();
      throw err;
    }),
  );

  let inspector: Inspector | undefined;
  if (opts.inspect !== undefined) {
    try {
      inspector = await startInspectorFor(ctx, opts.inspect === true ? INSPECT_PORT : opts.inspect, {
        forwardTo,
        forwardClient,
        apiKey,
        maxBody: opts.maxBody,
      });
    } catch (err) {
      await record?.close();
      throw err;
    }
  }
  // Without --forward-to, the inspector keeps a write's events in one callback on that write, as
  // the write batches them, rather than a promise per event; with it, each forward keeps its event.
  const keep = inspector && !forwardTo ? keeper(inspector) : undefined;

  let listener: Listener;
  try {
    listener = await startListener(
      { host, port, path, apiKey, maxBody: opts.maxBody, record, count },
      {
        accepted(ev) {
          // Written before the 200 goes out: a sender that got its 200 finds the event printed.
          // The wait is the back-pressure: a stdout that cannot keep up holds the answers back.
          const entry = ndjson
            ? `${fields ? pickedLine(ev, fields) : ev.line}\n`
            : eventBlock(ev.body, ev.receivedAt, out.paint, { width: out.columns });
          const written = writeInTurn(ndjson ? out.jsonText(entry) : entry);
          if (keep) keep(ev, written);
          else if (forwardTo) return written.then(() => forward(ev));
          return written;
        },
        acknowledged() {
          if (count !== undefined && listener.stats.accepted >= count) stop();
        },
        rejected(status, reason, from) {
          const what = from.method ? `${from.method} ${(from.path ?? '').slice(0, 100)}` : 'request';
          out.problem(`${status} ${what} from ${from.remote ?? '?'}: ${reason}`);
        },
      },
    );
  } catch (err) {
    await inspector?.close();
    await record?.close();
    throw bindError(err, host, port);
  }

  if (!verify) out.warn('--no-verify: events are accepted without checking x-api-key');
  if (!isLoopback(host)) out.warn(`listening on ${host}: others on the network can reach this endpoint`);
  out.status(`Listening on ${listener.url} (${verify ? 'x-api-key verified' : 'not verified'}) — Ctrl-C to stop`);
  if (forwardTo) out.info(`Forwarding events to ${forwardTo}`);
  if (record) out.info(`Recording events to ${record.path}`);
  if (inspector) {
    inspector.setListening(listener.url);
    out.status(`Inspector on ${inspector.url}`);
  }

  await stopped;
  await listener.close();
  await Promise.allSettled([...pending]);
  await inspector?.close();
  await record?.close();
  const { accepted, rejected } = listener.stats;
  out.afterInterrupt();
  out.status(
    `Stopped: ${accepted} accepted, ${rejected} rejected${forwardTo ? `, ${forwardFailures} forward failures` : ''}`,
  );
  if (writeError && writeError.code !== 'EPIPE') {
    throw new CliError(`cannot write to stdout: ${knownFileProblem(writeError) ?? writeError.message}`, EXIT.FAILURE);
  }
  return EXIT.OK;
};

/**
 * `--json a,b` for one event: the named members with the sender's bytes (12345678901234567890 and
 * 1.10 stay as sent, as on a line without fields), null for one the body lacks.
 */
export function pickedLine(ev: { line: string; body: unknown }, fields: readonly string[]): string {
  const body = ev.body;
  if (!isObject(body)) return JSON.stringify(pickFields(body, fields));
  const member = (f: string) => (Object.hasOwn(body, f) ? (memberText(ev.line, f) ?? JSON.stringify(body[f])) : 'null');
  return `{${fields.map((f) => `${JSON.stringify(f)}:${member(f)}`).join(',')}}`;
}

/** The key, and the --timeout (GURUSUP_TIMEOUT, the profile's, else 30 s) for each POST. */
async function keyFor(ctx: Context): Promise<{ key: string; timeoutMs: number }> {
  const s = await ctx.settings();
  return { key: ctx.requireKey(s), timeoutMs: s.timeoutMs };
}

export const trigger: Handler<TriggerOptions> = async (ctx, _args, opts) => {
  const { out } = ctx;
  const to = checkUrl(opts.to, '--to');
  const { key, timeoutMs } = await keyFor(ctx);
  const event = sampleEvent({ thread: opts.thread, user: opts.user, body: opts.body });
  const r = await postEvent(to, JSON.stringify(event), key, {
    timeoutMs,
    client: await ctx.webhookClient({ timeoutMs }),
  });
  const ok = r.status >= 200 && r.status < 300;
  if (out.json) {
    let body: unknown = r.text;
    try {
      body = JSON.parse(r.text);
    } catch {
      // keep the text
    }
    out.printJson({ status: r.status, ms: r.ms, body });
  } else {
    // `to` may carry a password (http://user:pw@host): status() hides it.
    out.status(`POST ${to}: ${statusLine(r.status)} (${r.ms} ms)`);
    if (r.text) out.data(r.text);
  }
  return ok ? 0 : 1;
};

/** A line of a --record file, or a bare event line as written by listen --json. */
export function recordedBody(line: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  // The bytes as recorded, not re-serialized: numbers like 12345678901234567890 stay as sent.
  if (isObject(v) && 'received_at' in v && 'body' in v) return memberText(line, 'body') ?? JSON.stringify(v.body);
  return line.trim();
}

export const replay: Handler<{ to: string }> = async (ctx, args, opts) => {
  const { out } = ctx;
  const file = String(args[0]);
  const to = checkUrl(opts.to, '--to');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw fileError('read', '', file, err);
  }
  const events: Array<{ n: number; body: string }> = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const body = recordedBody(line);
    if (body === undefined) throw new CliError(`line ${i + 1} of ${file} is not JSON; nothing was sent`, EXIT.FAILURE);
    events.push({ n: i + 1, body });
  }
  if (events.length === 0) throw new CliError(`${file} holds no events`, EXIT.FAILURE);
  const { key, timeoutMs } = await keyFor(ctx);
  const client = await ctx.webhookClient({ timeoutMs });
  let failures = 0;
  let networkFailures = 0;
  let sent = 0;
  for (const ev of events) {
    if (ctx.signal.aborted) throw new InterruptedError();
    const type = describeEvent(JSON.parse(ev.body)).type ?? '';
    try {
      const r = await postEvent(to, ev.body, key, { timeoutMs, client });
      if (r.status < 200 || r.status >= 300) failures++;
      if (out.json) out.printJson({ line: ev.n, status: r.status, ms: r.ms, event: type || null });
      else if (out.human) out.humanLine(out.t`line ${ev.n}: ${statusLine(r.status)} (${r.ms} ms) ${type}`);
      else out.line(tsvRow([ev.n, r.status, r.ms, type]));
    } catch (err) {
      if (ctx.signal.aborted) throw new InterruptedError();
      const msg = err instanceof Error ? err.message : String(err);
      if (out.json) out.printJson({ line: ev.n, status: null, error: msg });
      // An endpoint that cannot be reached fails every event alike: stop at the first, as verify does.
      if (err instanceof NetworkError) {
        const left = events.length - sent;
        throw new NetworkError(`line ${ev.n}: ${msg}; stopped, ${left} of ${plural(events.length, 'event')} not sent`, {
          hint: endpointHint(to),
        });
      }
      networkFailures++;
      out.problem(`line ${ev.n}: ${msg}`);
    }
    sent++;
  }
  out.info(
    `Replayed ${events.length} event${events.length === 1 ? '' : 's'} to ${to}: ${events.length - failures - networkFailures} accepted`,
  );
  if (networkFailures)
    throw new NetworkError(`${networkFailures} of ${plural(events.length, 'event')} could not be delivered`, {
      hint: endpointHint(to),
    });
  return failures ? 1 : 0;
};
