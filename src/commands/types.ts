import type { Command } from 'commander';
import type { Context } from '../context.js';

/**
 * A command's work: gets the context, positional arguments and the command's own options, typed
 * by the handler (`Handler<SendOptions>`) as Commander parses them from the declarations beside it.
 */
export type Handler<O extends object = Record<string, unknown>> = (
  ctx: Context,
  args: Array<string | string[]>,
  opts: O,
  cmd: Command,
) => Promise<number | void>;

/** Wraps a lazily loaded handler as a Commander action. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Runner = (load: () => Promise<Handler<any>>) => (...args: unknown[]) => Promise<void>;
