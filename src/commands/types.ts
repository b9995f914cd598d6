import type { Command } from 'commander';
import type { Context } from '../context.js';

/** A command's work: gets the context, positional arguments and the command's own options. */
export type Handler = (ctx: Context, args: Array<string | string[]>, opts: Record<string, unknown>, cmd: Command) => Promise<number | void>;

/** Wraps a lazily loaded handler as a Commander action. */
export type Runner = (load: () => Promise<Handler>) => (...args: unknown[]) => Promise<void>;
