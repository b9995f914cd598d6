import type { Probe, ProbeResult } from '../webhook/verify.js';
import { safeLine, tsvRow, type Paint } from './format.js';
import { truncateToWidth } from './width.js';
import { wrapText } from './wrap.js';

/** A probe's result as a TSV row (`probe, pass|fail, status, latency ms, detail`). */
export const probeTsv = (r: ProbeResult): string =>
  tsvRow([r.probe, r.pass ? 'pass' : 'fail', r.status ?? '', r.latency_ms ?? '', r.detail]);

/** A probe's checklist line for a terminal `width` wide (0: no limit), and on failure what and why. */
export function probeLines(r: ProbeResult, probe: Probe, what: string, p: Paint, width: number): string {
  const fit = (s: string, indent: number) => (width > 0 ? truncateToWidth(s, Math.max(10, width - indent)) : s);
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
  return text;
}
