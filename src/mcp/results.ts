/** Tool results: bounded text for the assistant's context, errors as results, no secret in either. */
import { CliError, errorMessage } from '../errors.js';
import { safeLine } from '../output/format.js';
import type { Redactor } from '../output/redact.js';

/** Past this much text a result is cut, with a note: an assistant's context is not a log file. */
export const TEXT_LIMIT = 100 * 1024;

export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** `text`, cut past TEXT_LIMIT characters with a note saying how to get less (`narrow`). */
export function boundedText(text: string, narrow: string): string {
  if (text.length <= TEXT_LIMIT) return text;
  let cut = text.slice(0, TEXT_LIMIT);
  // Never half a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  const kb = Math.ceil(text.length / 1024);
  return `${cut}\n\n[cut: this text is ${kb} KB, past the ${TEXT_LIMIT / 1024} KB returned as text; the whole result is in structuredContent. ${narrow}]`;
}

/** Every secret the redactor knows replaced, in the text and the structured content alike. */
export function redactResult<T>(result: T, redactor: Redactor): T {
  const json = JSON.stringify(result);
  const safe = redactor.apply(json);
  return safe === json ? result : (JSON.parse(safe) as T);
}

export function success(text: string, structured: Record<string, unknown>, narrow: string): ToolResult {
  return { content: [{ type: 'text', text: boundedText(text, narrow) }], structuredContent: structured };
}

/** The CLI's error line and hint, as a result the assistant can read and act on. */
export function failure(err: unknown, before: readonly string[] = []): ToolResult {
  const e = err instanceof CliError ? err : undefined;
  const message = errorMessage(err);
  const lines = [...before, `error: ${safeLine(message)}`];
  if (e?.hint) lines.push(`hint: ${safeLine(e.hint)}`);
  return { content: [{ type: 'text', text: lines.join('\n') }], isError: true };
}

/** An error result from the text of an error the SDK raised itself. */
export function failureText(message: string, hint?: string): ToolResult {
  const lines = [`error: ${safeLine(message)}`];
  if (hint) lines.push(`hint: ${safeLine(hint)}`);
  return { content: [{ type: 'text', text: lines.join('\n') }], isError: true };
}
