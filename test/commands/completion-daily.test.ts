import { describe, expect, it } from 'vitest';
import { run } from '../helpers/io.js';

// Completion is generated from the Commander program: issue 15's commands and flags must be in it.
describe('completion knows chat, webhook verify and the threads list/show flags', () => {
  it('bash and zsh', async () => {
    for (const shell of ['bash', 'zsh']) {
      const r = await run(['completion', shell]);
      expect(r.code).toBe(0);
      for (const word of [
        'chat',
        'verify',
        '--follow',
        '--interval',
        '--since',
        '--until',
        '--grep',
        '--sort',
        '--reverse',
      ])
        expect(r.stdout, `${shell}: ${word}`).toContain(word);
    }
  });

  it('fish: per-command flags', async () => {
    const r = await run(['completion', 'fish']);
    expect(r.stdout).toMatch(/-a chat /);
    expect(r.stdout).toMatch(/-a verify /);
    for (const flag of ['since', 'until', 'grep', 'sort', 'reverse'])
      expect(r.stdout).toMatch(new RegExp(`from list' -l ${flag} `));
    expect(r.stdout).toMatch(/from show' -l follow -s f /);
    expect(r.stdout).toMatch(/from chat' -l thread -x/);
  });
});
