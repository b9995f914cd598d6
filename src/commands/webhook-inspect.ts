// `webhook listen --inspect`: the listener's side of the inspector. This file is in the main
// bundle; the inspector itself (src/webhook/inspect/) is loaded only here, when --inspect is given.
import type { Context } from '../context.js';
import type { GurusupClient } from '../api/client.js';
import { CliError, UsageError, statusLine } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { bindError } from '../server/http-server.js';
import { now } from '../runtime/clock.js';
import type { AcceptedEvent } from '../webhook/listener.js';
import { checkUrl, postEvent } from '../webhook/send.js';
import type { Delivery, Inspector } from '../webhook/inspect/index.js';

/** `--inspect` without a port: ngrok's, which users of local inspectors know. */
export const INSPECT_PORT = 4040;

/**
 * Hands the inspector each event once the write that holds its entry is done, and before its 200
 * (the listener awaits the same write after this registers): one callback per write.
 */
export function keeper(inspector: Inspector): (ev: AcceptedEvent, written: Promise<void>) => void {
  let batch: AcceptedEvent[] = [];
  let batchOf: Promise<void> | undefined;
  return (ev, written) => {
    if (written !== batchOf) {
      const these: AcceptedEvent[] = (batch = []);
      batchOf = written;
      written.then(
        () => {
          for (const e of these) inspector.add(e);
        },
        () => {},
      );
    }
    batch.push(ev);
  };
}

/** A forward or replay that got no answer, for the inspector. */
export function failedDelivery(err: Error, started: number): Delivery {
  return { status: null, latency_ms: Math.round(now() - started), response_body: '', error: err.message };
}

/**
 * Starts the inspector of `--inspect`, loading its code only now (dist/inspect.cjs). A replay goes
 * through the forwarder's postEvent with the configured key, to --forward-to or the URL asked for.
 */
export async function startInspectorFor(
  ctx: Context,
  port: number,
  o: { forwardTo?: string; forwardClient?: GurusupClient; apiKey?: string; maxBody: number },
): Promise<Inspector> {
  const { out } = ctx;
  const { startInspector } = await import('../webhook/inspect/index.js');
  // Replays send the configured key, --no-verify or not (else the event's own, as forwards do).
  const apiKey =
    o.apiKey ??
    (await ctx.settings().then(
      (s) => s.apiKey,
      () => undefined,
    ));
  let client = o.forwardClient;
  const deliver = async (to: string | undefined, body: string, key: string | undefined): Promise<Delivery> => {
    const url = to === undefined ? o.forwardTo : checkUrl(to, '"to"');
    if (url === undefined) throw new UsageError('no URL to replay to: type one (the listener has no --forward-to)');
    client ??= await ctx.webhookClient({ timeoutMs: 10_000, cancelOnInterrupt: false });
    const started = now();
    try {
      const r = await postEvent(url, body, key, {
        timeoutMs: 10_000,
        client,
        flag: to === undefined ? '--forward-to' : 'the URL',
      });
      const line = `↻ replayed to ${url}: ${statusLine(r.status)} (${r.ms} ms)`;
      if (r.status >= 200 && r.status < 300) out.info(line);
      else out.problem(line);
      return { status: r.status, latency_ms: r.ms, response_body: r.text };
    } catch (err) {
      out.problem(`replay to ${url} failed: ${(err as Error).message}`);
      return failedDelivery(err as Error, started);
    }
  };
  try {
    return await startInspector({
      port,
      forwardTo: o.forwardTo,
      apiKey,
      maxBody: o.maxBody,
      deliver,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(`port ${port} is in use (--inspect)`, EXIT.FAILURE, {
        hint: 'pick another with --inspect <port>, or --inspect 0 for a free one',
      });
    throw bindError(err, '127.0.0.1', port);
  }
}
