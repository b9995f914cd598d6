import type { Handler } from './types.js';
import { InterruptedError } from '../errors.js';
import { checkUrl } from '../webhook/send.js';
import { redactUserinfo } from '../output/redact.js';
import { PROBES, runProbes, type Probe, type ProbeResult } from '../webhook/verify.js';
import { safeLine, safeText, tsvRow } from '../output/format.js';
import { truncateToWidth } from '../output/width.js';
import { wrapText } from '../output/wrap.js';

const DEFAULT_TIMEOUT_S = 10;

/** `webhook verify <url>`: exit 0 when every probe passes, 1 otherwise, 5 when nothing answered. */
export const verify: Handler = async (ctx, args) => {
  const { out } = ctx;
  const url = checkUrl(String(args[0]), '<url>');
  const s = await ctx.settings(DEFAULT_TIMEOUT_S);
  const key = ctx.requireKey(s);
  ctx.redactor.add(key);
  ctx.redactor.addUrl(url);
  const p = out.paint;
  const width = out.columns;
  const fit = (s: string, indent: number) => (width > 0 ? truncateToWidth(s, Math.max(10, width - indent)) : s);
  const line = (r: ProbeResult, probe: Probe, what: string) => {
    if (out.json) return;
    if (!out.human)
      return out.line(tsvRow([r.probe, r.pass ? 'pass' : 'fail', r.status ?? '', r.latency_ms ?? '', r.detail]));
    // Fixed-width columns first, so the title is what gets cut on a narrow terminal.
    const mark = r.pass ? p.green('✓') : p.red('✗');
    const status = r.status === null ? '---' : String(r.status);
    const latency = r.latency_ms === null ? 'no answer' : `${r.latency_ms} ms`;
    let text = `${mark} ${r.pass ? status : p.red(status)}  ${p.dim(latency.padStart(9))}  ${fit(probe.title, 18)}\n`;
    if (!r.pass) {
      // One line: the receiver's answer is quoted in it, and a newline there would forge a checklist line.
      text += `${wrapText(safeLine(what), width, '    ')}\n`;
      text += `${wrapText(`why it matters: ${probe.why}`, width, '    ').replace('why it matters:', p.yellow('why it matters:'))}\n`;
    }
    out.write(text);
  };
  out.info(
    `Verifying ${safeText(redactUserinfo(url))} with ${PROBES.length} probes (timeout ${s.timeoutMs / 1000}s each)`,
    out.epaint.dim,
  );
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
