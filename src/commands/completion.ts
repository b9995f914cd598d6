import { Argument, type Command } from 'commander';
import type { Runner } from './types.js';
import { examples } from './parse.js';

export function registerCompletion(program: Command, run: Runner): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash, zsh or fish)')
    .addArgument(new Argument('[shell]', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .option('--profiles', 'print the stored profile names (used by the scripts)')
    .addHelpText(
      'after',
      examples(
        'gurusup completion bash > ~/.local/share/bash-completion/completions/gurusup',
        'gurusup completion zsh > "${fpath[1]}/_gurusup"',
        'gurusup completion fish > ~/.config/fish/completions/gurusup.fish',
      ),
    )
    .action(run(() => import('./completion-run.js').then((m) => m.completion)));
}
