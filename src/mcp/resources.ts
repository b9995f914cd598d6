/** Each thread as a resource, gurusup://threads/<thread_fid>: its plain transcript. */
import type { McpServer } from '../vendor/mcp.js';
import { ResourceTemplate, McpError, ErrorCode } from '../vendor/mcp.js';
import { ApiError, NotFoundError } from '../errors.js';
import { applyQuery } from '../model/filters.js';
import { isObject } from '../output/format.js';
import { messageCount } from '../model/fields.js';
import { boundedText } from './results.js';
import { fetchThread, labelled, plainTranscript, LIST_MAX } from './tools-read.js';
import { CallFailed, type Calls } from './call.js';

export const THREAD_URI = 'gurusup://threads/{thread_fid}';
/** The spec's "resource not found". */
const RESOURCE_NOT_FOUND = -32002;

export function threadUri(fid: string): string {
  return `gurusup://threads/${encodeURIComponent(fid)}`;
}

/** One line on a listed thread (the template's own description would repeat on every one). */
function summary(t: Record<string, unknown>): string {
  const parts = [`thread ${String(t.thread_fid)}`];
  if (typeof t.user_fid === 'string' && t.user_fid) parts.push(`customer ${t.user_fid}`);
  const count = messageCount(t);
  if (count !== undefined) parts.push(`${count} message${count === 1 ? '' : 's'}`);
  const at = t.updated_at ?? t.created_at;
  if (typeof at === 'string' && at) parts.push(`updated ${at}`);
  return parts.join(', ');
}

/** Resources have no error results: a failure is a JSON-RPC error carrying the CLI's line and hint. */
function asProtocolError(err: unknown): never {
  if (!(err instanceof CallFailed)) throw err;
  throw new McpError(
    err.original instanceof NotFoundError ? RESOURCE_NOT_FOUND : ErrorCode.InternalError,
    err.message.replace(/\n/g, ' · '),
  );
}

export function registerResources(server: McpServer, calls: Calls): void {
  const template = new ResourceTemplate(THREAD_URI, {
    // The most recently updated threads, at most LIST_MAX: gurusup_threads_list finds the rest.
    list: (extra) =>
      calls
        .value(extra.signal, async (call) => {
          const client = await call.ctx.client(await call.settings());
          const data = await client.listThreads();
          if (!Array.isArray(data))
            throw new ApiError('unexpected response from GET /threads: expected a JSON array', 200);
          const threads = applyQuery(data, { sort: 'updated', limit: LIST_MAX }).filter(isObject);
          const resources = threads
            .filter((t) => typeof t.thread_fid === 'string' && t.thread_fid !== '')
            .map((t) => ({
              uri: threadUri(t.thread_fid as string),
              name: t.thread_fid as string,
              ...(typeof t.subject === 'string' && t.subject ? { title: t.subject } : {}),
              description: summary(t),
              mimeType: 'text/plain',
            }));
          return { resources };
        })
        .catch(asProtocolError),
  });
  server.registerResource(
    'thread',
    template,
    {
      title: 'Thread transcript',
      description: `A thread as a plain-text transcript (as \`gurusup threads show\` prints it, without colour): one paragraph per message with its sender and time, oldest first. Listed: the ${LIST_MAX} most recently updated threads.`,
      mimeType: 'text/plain',
    },
    (uri, variables, extra) =>
      calls
        .value(extra.signal, async (call) => {
          const raw = variables.thread_fid;
          let fid: string;
          try {
            fid = decodeURIComponent(Array.isArray(raw) ? raw.join(',') : String(raw));
          } catch {
            throw new NotFoundError(`thread not found: ${uri.href} is not a well-formed thread URI`);
          }
          const client = await call.ctx.client(await call.settings());
          const { thread, hash } = await fetchThread(client, { thread: fid });
          const text = boundedText(
            plainTranscript(labelled(thread), hash),
            'Read it with gurusup_thread_get and a max_messages.',
          );
          return { contents: [{ uri: uri.href, mimeType: 'text/plain', text }] };
        })
        .catch(asProtocolError),
  );
}
