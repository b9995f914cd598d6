import { EXIT } from '../exit-codes.js';

/**
 * `gurusup help <topic>`: reference text, rendered unwrapped in help's own layout (two-column
 * items, indented paragraphs) so fitHelp wraps it to the terminal like every other help text.
 */
export const TOPICS = {
  environment: 'every environment variable gurusup reads',
  'exit-codes': 'what each exit code means',
  formatting: 'output on a terminal, in a pipe, and with --json',
} as const;

export type Topic = keyof typeof TOPICS;

export function isTopic(word: string): word is Topic {
  return Object.hasOwn(TOPICS, word);
}

const items = (rows: Array<[string, string]>): string => {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
};

const ENVIRONMENT: Array<[string, string]> = [
  ['GURUSUP_API_KEY', "the API key; beats the stored profile's key (there is no flag for it)"],
  ['GURUSUP_PROFILE', 'stored profile to use, like --profile (default: the active one)'],
  ['GURUSUP_BASE_URL', 'API base URL, like --base-url (default https://api.gurusup.com)'],
  ['GURUSUP_TIMEOUT', 'per-request timeout in seconds, like --timeout (default 30; 120 for messages send)'],
  ['GURUSUP_DEBUG', '1 traces each HTTP request and response on stderr, the key redacted, like --debug'],
  ['GURUSUP_CONFIG_DIR', 'where config.json (profiles and keys) lives (default $XDG_CONFIG_HOME/gurusup)'],
  ['GURUSUP_CACHE_DIR', 'where the start-up code cache lives (default $XDG_CACHE_HOME/gurusup)'],
  ['GURUSUP_NO_CODE_CACHE', '1 starts without the start-up code cache'],
  ['GURUSUP_MAX_RESPONSE', 'the largest response body accepted, in bytes (default 256 MiB)'],
  ['GURUSUP_JUDGE_CMD', 'the eval judge command when --judge-cmd is not given'],
  ['GURUSUP_PAGER', 'pager for long threads show output and help topics on a terminal; cat turns it off'],
  ['PAGER', 'the pager when GURUSUP_PAGER is not set (default: less -FRX when installed)'],
  ['NO_COLOR', 'any non-empty value turns colour off, like --no-color'],
  ['FORCE_COLOR', 'forces colour, even in a pipe'],
  ['TERM', 'dumb turns off colour, spinners and progress bars'],
  ['CI', 'set: never prompt, like --no-input'],
  ['HTTPS_PROXY', 'proxy for https:// requests (lower-case https_proxy too, and first)'],
  ['HTTP_PROXY', 'proxy for http:// requests (lower-case http_proxy too, and first)'],
  ['NO_PROXY', 'hosts reached directly, comma-separated (lower-case no_proxy too)'],
  ['XDG_CONFIG_HOME', 'base of the config directory on Linux (default ~/.config)'],
  ['XDG_CACHE_HOME', 'base of the cache directory on Linux (default ~/.cache)'],
];

const EXIT_CODES: Array<[string, string]> = [
  [String(EXIT.OK), 'success'],
  [String(EXIT.FAILURE), 'failure not listed below: API 400 or 5xx, unexpected response, internal error'],
  [String(EXIT.USAGE), 'usage: unknown command or option, missing or invalid argument, no terminal for a prompt'],
  [String(EXIT.AUTH), 'authentication: no key, or the API answered 401 or 403'],
  [String(EXIT.NOT_FOUND), 'not found: the API answered 404'],
  [String(EXIT.NETWORK), 'network: cannot connect, DNS failure, timeout, connection reset'],
  [
    String(EXIT.INTERRUPTED),
    'interrupted by Ctrl-C (webhook listen and sandbox stop with 0: Ctrl-C is their normal stop)',
  ],
];

function environment(): string {
  return `Environment variables read by gurusup.

${items(ENVIRONMENT)}

Precedence, highest first: flag, environment, the profile's stored setting, built-in default.
`;
}

function exitCodes(): string {
  return `Exit codes, the same for every command.

${items(EXIT_CODES)}

A reader that closes the pipe early (gurusup threads list | head -1) is not a failure: exit 0.

Errors are one line on stderr, error: ..., often followed by hint: ...; with --json also a JSON object {"error": {"message", "status", "exit_code"}} on stderr.
`;
}

function formatting(): string {
  return `Output formats. stdout carries data only; progress, prompts, warnings and errors go to stderr.

On a terminal:
  Tables, transcripts and colour, fitted to the window; times are relative (3 hours ago). Long threads show output and help topics go through a pager (--no-pager, or GURUSUP_PAGER=cat, turns it off).

In a pipe:
  One record a line, tab-separated, no header, no colour, nothing cut; a backslash, tab, CR or newline inside a field is written as \\\\, \\t, \\r, \\n. Times are the API's values.

With --json:
  The API's JSON (pretty and coloured on a terminal, one line in a pipe). --json a,b keeps only those fields, in that order, per object or per element of a list; a missing field is null.

Examples:
  $ gurusup threads list | cut -f1
  $ gurusup threads list --json thread_fid,subject
  $ gurusup threads show order-1042 --json | jq '.messages | length'
`;
}

export function topicText(topic: Topic): string {
  if (topic === 'environment') return environment();
  if (topic === 'exit-codes') return exitCodes();
  return formatting();
}

/** The "Help topics:" section of the top-level help. */
export function topicsSection(): string {
  return `\nHelp topics (gurusup help <topic>):\n${items(Object.entries(TOPICS))}`;
}
