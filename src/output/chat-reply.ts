import { clipForTerminal, safeText, type Paint } from './format.js';
import { wrapText } from './wrap.js';
import { displayWidth } from './width.js';

const REPLY_PREFIX = 'gurusup › ';

/** `gurusup › <body>  (2.4 s)`, word-wrapped under the prefix and escaped. */
export function formatReply(body: string, seconds: number, width: number, p: Paint, prefix = REPLY_PREFIX): string {
  const latency = `(${seconds.toFixed(1)} s)`;
  const pad = ' '.repeat(prefix.length);
  const text = wrapText(
    safeText(clipForTerminal(body, 'the thread has it all: /thread, then gurusup threads show')),
    width,
    pad,
  );
  // The latency is one unit: after the last line when it fits there, else on a line of its own
  // (wrapped with the body, "(2.4" and "s)" could land on two lines).
  const last = text.slice(text.lastIndexOf('\n') + 1);
  const fits = width <= 0 || displayWidth(last) + 2 + latency.length <= Math.max(width, pad.length + 10);
  const tail = fits ? `  ${p.dim(latency)}` : `\n${pad}${p.dim(latency)}`;
  return `${p.magenta(prefix)}${text.slice(pad.length)}${tail}\n`;
}
