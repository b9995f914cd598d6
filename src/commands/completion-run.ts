import type { Command } from 'commander';
import type { Handler } from './types.js';
import { EXIT, UsageError } from '../errors.js';
import { specOf } from '../completion/spec.js';
import { bashScript, fishScript, zshScript } from '../completion/scripts.js';

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

export const completion: Handler<{ profiles?: boolean }> = async (ctx, args, opts, cmd) => {
  if (opts.profiles) {
    const ks = await ctx.keystore();
    for (const name of ks.profileNames().sort()) ctx.out.line(name);
    return EXIT.OK;
  }
  const shell = typeof args[0] === 'string' ? args[0] : undefined;
  if (!shell || !(shell in SCRIPTS)) {
    throw new UsageError(
      shell ? `unsupported shell ${JSON.stringify(shell)}` : 'which shell?',
      'gurusup completion bash|zsh|fish',
    );
  }
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  ctx.out.write(SCRIPTS[shell as keyof typeof SCRIPTS](specOf(root)));
  return EXIT.OK;
};
