import type { Handler } from './types.js';
import { InterruptedError } from '../errors.js';
import { checkUrl } from '../webhook/send.js';
import { PROBES, runProbes, type Probe, type ProbeResult } from '../webhook/verify.js';
import { probeLines, probeTsv } from '../output/verify-lines.js';

const DEFAULT_TIMEOUT_S = 10;

/** `webhook verify <url>`: exit 0 when every probe passes, 1 otherwise, 5 when nothing answered. */
export const verify: Handler = async (ctx, args) => {
  const { out } = ctx;
  const url = checkUrl(String(args[0]), '<url>');
  const s = await ctx.settings(DEFAULT_TIMEOUT_S);
  const key = ctx.requireKey(s);
  ctx.redactor.add(key);
  ctx.redactor.addUrl(url);
  const line = (r: ProbeResult, probe: Probe, what: string) => {
    if (out.json) return;
    if (!out.human) return out.line(probeTsv(r));
    out.write(probeLines(r, probe, what, out.paint, out.columns));
  };
  out.info(`Verifying ${url} with ${PROBES.length} probes (timeout ${s.timeoutMs / 1000}s each)`, out.epaint.dim);
  let results: ProbeResult[];
  try {
    results = await runProbes(url, key, {
      timeoutMs: s.timeoutMs,
      signal: ctx.signal,
      client: await ctx.webhookClient({ timeoutMs: s.timeoutMs }),
      onResult: line,
    });
  } catch (err) {
    if (ctx.signal.aborted) throw new InterruptedError();
    throw err;
  }
  if (out.json) out.printJson(results);
  const passed = results.filter((r) => r.pass).length;
  if (!out.json) {
    const summary = `${passed} of ${results.length} probes passed`;
    out.info(summary, passed === results.length ? out.epaint.green : out.epaint.red);
  }
  return passed === results.length ? 0 : 1;
};
