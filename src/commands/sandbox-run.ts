import type { Handler } from './types.js';
import { EXIT, UsageError } from '../errors.js';
import { maskKey } from '../output/format.js';
import { SANDBOX_KEY, SandboxStore } from '../sandbox/store.js';
import { seedThreads } from '../sandbox/seed.js';
import { startSandbox } from '../sandbox/server.js';
import { checkUrl } from '../webhook/send.js';
import { bindError, isLoopback, untilAborted } from '../server/http-server.js';
import { plural } from '../output/plural.js';

/** As declared in sandbox.ts (port and latency are validated numbers there). */
export interface SandboxOptions {
  host: string;
  port: number;
  apiKey?: string;
  webhookUrl?: string;
  data?: string;
  latency: number;
}

export const sandbox: Handler<SandboxOptions> = async (ctx, _args, opts) => {
  const { out } = ctx;
  const { host, port } = opts;
  const given = opts.apiKey;
  if (given !== undefined && (given.length < 8 || /\s/.test(given)))
    throw new UsageError('--api-key must be at least 8 characters, without spaces');
  const webhookUrl = opts.webhookUrl !== undefined ? checkUrl(opts.webhookUrl, '--webhook-url') : undefined;
  const store = SandboxStore.load(opts.data, seedThreads);
  // Stable across restarts: the one kept in the --data file, else a fixed one.
  const apiKey = given ?? store.apiKey ?? SANDBOX_KEY;
  ctx.redactor.add(apiKey);

  // A password in --webhook-url (http://user:pw@host) is never shown: Output hides it, in the log lines too.
  let sb;
  try {
    sb = await startSandbox({
      host,
      port,
      apiKey,
      store,
      webhookUrl,
      latencyMs: opts.latency,
      log: out.opts.quiet ? undefined : (line) => out.info(line, out.epaint.dim),
      warn: (line) => out.warn(line),
    });
  } catch (err) {
    throw bindError(err, host, port);
  }
  if (!isLoopback(host)) out.warn(`listening on ${host}: others on the network can reach this sandbox`);
  out.status(
    `Gurusup sandbox on ${sb.url} — ${plural(store.size, 'thread')}${store.file ? ` (saved to ${store.file})` : ''}; key ${maskKey(apiKey)}; Ctrl-C to stop`,
  );
  if (webhookUrl) out.status(`Webhook: every reply is POSTed to ${webhookUrl}`);
  // A generated key is shown in full once, or nobody could use it; a key the user chose is not echoed.
  if (!given) out.rawStatus(`Use it:  export GURUSUP_BASE_URL=${sb.url} GURUSUP_API_KEY=${apiKey}`);
  else out.status(`Use it:  export GURUSUP_BASE_URL=${sb.url}  (and your --api-key as GURUSUP_API_KEY)`);

  await untilAborted(ctx.signal);
  await sb.close();
  try {
    store.close();
  } catch (err) {
    // The journal keeps what the snapshot could not take: the next start folds it in.
    out.warn((err as Error).message);
  }
  // Give webhook deliveries in flight a moment, but don't hang on a dead target.
  await Promise.race([Promise.allSettled([...sb.deliveries]), new Promise((r) => setTimeout(r, 3000).unref())]);
  out.afterInterrupt();
  out.status('Sandbox stopped.');
  return EXIT.OK;
};
