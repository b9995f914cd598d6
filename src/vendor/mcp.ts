// Loaded only by `gurusup mcp`, bundled into dist/vendor/mcp.cjs: the MCP SDK's server side and the
// zod it validates tool arguments with (one copy, so the SDK recognises our schemas).
export { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
export { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
export { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
export { z } from 'zod';
