/** A thread or message as people read it (a transcript), or as one TSV line per message. */
import { relativeTime } from '../output/time.js';
import { wrapText } from '../output/wrap.js';
import { displayWidth } from '../output/width.js';
import {
  clipForTerminal,
  indentedBody,
  isObject,
  safeLine,
  safeText,
  tsvRow,
  type Paint,
  type TextView,
} from '../output/format.js';
import { messageTime, str } from './fields.js';
import { senderOf, threadCustomer } from './sender.js';

type Obj = Record<string, unknown>;

/** Piped message line: time, sender, body (escaped); `customer` is the thread's (threadCustomer). */
export function messageTsv(m: Obj, customer?: string): string {
  return tsvRow([messageTime(m), senderOf(m, customer), m.body ?? '']);
}

function senderLabel(m: Obj, p: Paint, customer?: string): string {
  const who = senderOf(m, customer);
  const user = str(m.user_fid);
  const label = who || 'unknown';
  const painted =
    who === 'customer'
      ? p.cyan(label)
      : who === 'agent'
        ? p.green(label)
        : who === 'system'
          ? p.magenta(label)
          : p.dim(label);
  // One line: a newline in a user_fid would start a forged message block.
  return user ? `${painted} ${p.dim(`(${safeLine(user)})`)}` : painted;
}

export function messageBlock(m: Obj, p: Paint, view?: TextView, customer?: string): string {
  const raw = messageTime(m);
  const time = raw && view ? relativeTime(raw, view.now) : raw;
  const head = `${senderLabel(m, p, customer)}${time ? `  ${p.dim(safeLine(time))}` : ''}`;
  const text = typeof m.body === 'string' ? m.body : m.body === undefined ? '' : JSON.stringify(m.body);
  const body = safeText(view ? clipForTerminal(text, '--json for all') : text);
  return `${head}\n${indentedBody(body, view)}\n`;
}

export function transcript(thread: Obj, hash: string, p: Paint, view?: TextView): string {
  let out = '';
  writeTranscript(thread, hash, p, view, (s) => (out += s));
  return out;
}

/** Past this many characters the transcript is handed on, so its pieces die young (cheap to collect). */
const TRANSCRIPT_CHUNK = 64 * 1024;

/**
 * The transcript, handed to `emit` in pieces of ~64 KB as it is built: 5,000 messages built into
 * one string keep ~100,000 small strings alive until the end, and copying them from one young
 * generation to the next was a third of `threads show`'s time (BENCHMARKS.md).
 */
export function writeTranscript(
  thread: Obj,
  hash: string,
  p: Paint,
  view: TextView | undefined,
  emit: (s: string) => void,
): void {
  const lines: string[] = [];
  const fid = safeLine(str(thread.thread_fid) ?? '');
  // On a narrow terminal the hash goes on a line of its own rather than wrapping.
  const together = !view || view.width <= 0 || displayWidth(`thread ${fid}  hash ${hash}`) <= view.width;
  lines.push(`${p.bold('thread')} ${fid}${together ? '  ' : '\n'}${p.dim(`hash ${hash}`)}`);
  const subject = str(thread.subject);
  if (subject) {
    const text = safeLine(subject);
    const wrapped = view && view.width > 0 ? wrapText(text, view.width, ' '.repeat(8)).slice(8) : text;
    lines.push(`${p.bold('subject')} ${wrapped}`);
  }
  const messages = Array.isArray(thread.messages) ? thread.messages.filter(isObject) : [];
  lines.push(p.dim(`${messages.length} message${messages.length === 1 ? '' : 's'}`));
  let out = `${lines.join('\n')}\n`;
  const customer = threadCustomer(thread, messages);
  for (const m of messages) {
    out += `\n${messageBlock(m, p, view, customer)}`;
    if (out.length >= TRANSCRIPT_CHUNK) {
      emit(out);
      out = '';
    }
  }
  if (out) emit(out);
}
