import type { Command } from 'commander';
import type { Runner } from './types.js';
import { examples } from './parse.js';

export function registerAuth(program: Command, run: Runner): void {
  const auth = program
    .command('auth')
    .description('Store, check and switch API keys (profiles)')
    .addHelpText('after', examples('gurusup auth login', 'gurusup auth status', 'gurusup auth switch acme'));
  auth
    .command('login')
    .description('Save an API key for a profile (checked with the API first)')
    .option('--with-key', 'read the key from stdin instead of prompting')
    .option('--skip-check', 'save without checking the key against the API')
    .addHelpText('after', examples('gurusup auth login', 'echo "$KEY" | gurusup auth login --with-key --profile acme'))
    .action(run(() => import('./auth-run.js').then((m) => m.login)));
  auth
    .command('status')
    .description('Show profiles and check the selected key')
    .addHelpText('after', examples('gurusup auth status', 'gurusup auth status --json'))
    .action(run(() => import('./auth-run.js').then((m) => m.status)));
  auth
    .command('logout')
    .description("Remove the selected profile's key")
    .addHelpText('after', examples('gurusup auth logout --profile acme'))
    .action(run(() => import('./auth-run.js').then((m) => m.logout)));
  auth
    .command('switch')
    .description('Make another profile the active one')
    .argument('<profile>', 'profile name')
    .addHelpText('after', examples('gurusup auth switch acme'))
    .action(run(() => import('./auth-run.js').then((m) => m.switchProfile)));
  auth
    .command('key')
    .description('Print the resolved API key, unmasked, for scripts')
    .addHelpText('after', examples('curl -H "x-api-key: $(gurusup auth key)" https://api.gurusup.com/threads'))
    .action(run(() => import('./auth-run.js').then((m) => m.key)));
}
