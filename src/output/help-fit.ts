import { displayWidth } from './width.js';
import { wrapText } from './wrap.js';

/** Help is rendered this wide (never wrapped), then fitted to the terminal by fitHelp. */
export const UNWRAPPED = 10_000;

/** Words of a shell line, split at spaces outside quotes (a break inside quotes would change it). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ' ') {
      if (word) words.push(word);
      word = '';
      continue;
    }
    word += ch;
  }
  if (word) words.push(word);
  return words;
}

/**
 * An example too wide for the terminal is broken between words with a ` \` continuation, so that
 * pasting the lines still runs the one command.
 */
function fitExample(line: string, width: number): string {
  const lead = /^\s*\$ /.exec(line)![0];
  const indent = ' '.repeat(lead.length + 2);
  const lines: string[] = [];
  let cur = lead;
  for (const w of shellWords(line.slice(lead.length))) {
    const start = cur === lead || cur === indent;
    if (!start && displayWidth(cur) + 1 + displayWidth(w) + 2 > width) {
      lines.push(`${cur} \\`);
      cur = indent + w;
    } else cur = start ? cur + w : `${cur} ${w}`;
  }
  lines.push(cur);
  return lines.join('\n');
}

const ITEM = /^( {2,})(\S(?:.*?\S)?)( {2,})(\S.*)$/;

function fitLine(line: string, width: number): string {
  if (width <= 0 || displayWidth(line) <= width) return line;
  if (/^\s*\$ /.test(line)) return fitExample(line, width);
  const item = ITEM.exec(line);
  if (item) {
    const [, lead, term, gap, desc] = item as unknown as [string, string, string, string, string];
    const col = lead.length + displayWidth(term) + gap.length;
    if (width - col >= 20) {
      const wrapped = wrapText(desc, width, ' '.repeat(col));
      return `${lead}${term}${gap}${wrapped.slice(col)}`;
    }
    // Too narrow for two columns: the description goes under the term, indented.
    return `${lead}${term}\n${wrapText(desc, width, `${lead}    `)}`;
  }
  const lead = /^\s*/.exec(line)![0];
  return wrapText(line.slice(lead.length), width, lead);
}

/**
 * Fits help that Commander rendered unwrapped to `width` columns (0: no wrapping): an option or
 * command description wraps under itself, a narrow terminal puts it under its term; examples are
 * never broken. "Examples:" always has a blank line before it. Used alike for help rendered now
 * and for the help that bin/gurusup.js prints from dist/help.json.
 */
export function fitHelp(text: string, width: number): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line === 'Examples:' && out.length > 0 && out[out.length - 1] !== '') out.push('');
    out.push(fitLine(line, width));
  }
  return out.join('\n');
}
