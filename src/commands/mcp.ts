import type { Command } from 'commander';
import type { Runner } from './types.js';
import { examples } from './parse.js';

export function registerMcp(program: Command, run: Runner): void {
  program
    .command('mcp')
    .description('Serve this organization to AI assistants: a Model Context Protocol server on stdio')
    .option('--allow-write', 'also offer the tools that send messages (messages send, eval): read-only without it')
    .addHelpText(
      'after',
      '\nAn MCP client starts it and talks JSON-RPC on its stdin and stdout; the key and\nprofile are resolved as for every command, when a tool is called. Set-up for\nClaude Code, Claude Desktop and Cursor: docs/mcp.md.\n' +
        examples(
          'claude mcp add gurusup -- gurusup mcp',
          'claude mcp add gurusup-acme -- gurusup --profile acme mcp',
          'claude mcp add gurusup -- gurusup mcp --allow-write',
        ),
    )
    .action(run(() => import('../mcp/server.js').then((m) => m.serve)));
}
