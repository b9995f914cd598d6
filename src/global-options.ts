/**
 * The options every command accepts, declared once: the program registers them from here, the
 * argv pre-scan knows which take a value, and GlobalOptions is their parsed type.
 */
export const GLOBAL_OPTIONS = {
  profile: { flags: '--profile <name>', help: 'stored profile to use (env GURUSUP_PROFILE)', kind: 'value' },
  baseUrl: { flags: '--base-url <url>', help: 'API base URL (env GURUSUP_BASE_URL)', kind: 'value' },
  json: {
    flags: '--json [fields]',
    help: 'JSON output on stdout; with a comma list, only those fields',
    kind: 'optional-value',
  },
  color: { flags: '--no-color', help: 'no ANSI colour (env NO_COLOR)', kind: 'negated' },
  timeout: { flags: '--timeout <seconds>', help: 'per-request timeout (env GURUSUP_TIMEOUT)', kind: 'value' },
  debug: {
    flags: '--debug',
    help: 'trace HTTP requests on stderr, key redacted (env GURUSUP_DEBUG=1)',
    kind: 'switch',
  },
  quiet: { flags: '-q, --quiet', help: 'no progress or success messages on stderr', kind: 'switch' },
  input: { flags: '--no-input', help: 'never prompt (also when CI is set)', kind: 'negated' },
} as const;

type Decl = typeof GLOBAL_OPTIONS;
type ValueOf<K> = K extends 'value' ? string : K extends 'optional-value' ? string | boolean : boolean;

/** The parsed global options (a negated switch is `false` when given, else `true` or absent). */
export type GlobalOptions = { [N in keyof Decl]?: ValueOf<Decl[N]['kind']> };

/** `--profile`, `--base-url`, `--timeout`: the words after them are values, not commands. */
export const VALUE_OPTIONS: ReadonlySet<string> = new Set(
  Object.values(GLOBAL_OPTIONS)
    .filter((o) => o.kind === 'value')
    .map((o) => o.flags.split(' ')[0]!),
);
