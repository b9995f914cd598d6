import type { Io } from './io.js';
import { Output, type OutputOptions } from './output/output.js';
import { Terminal } from './terminal/terminal.js';
import { parseFieldList } from './output/format.js';
import { AuthError, NO_KEY_MESSAGE, withContext } from './errors.js';
import { noSuchProfile, selectProfile, resolveSettings, type ProfileChoice, type Settings } from './config/settings.js';
import type { Keystore } from './config/store.js';
import type { ClientOptions, GurusupClient } from './api/client.js';
import { Redactor } from './output/redact.js';
import { UsageError } from './errors.js';
import { USER_AGENT } from './version.js';
import type { GlobalOptions } from './global-options.js';
import type { Deps } from './deps.js';

export type { GlobalOptions } from './global-options.js';

function outputOptions(io: Io, globals: GlobalOptions): OutputOptions {
  return {
    json: globals.json !== undefined && globals.json !== false,
    fields: parseFieldList(globals.json),
    quiet: globals.quiet === true,
    color: globals.color !== false,
    debug: globals.debug === true || io.env.GURUSUP_DEBUG === '1' || io.env.GURUSUP_DEBUG === 'true',
    input: globals.input !== false,
  };
}

/** What a handler is given: the streams, the parsed global options, and lazy access to config and API. */
export class Context {
  readonly io: Io;
  readonly globals: GlobalOptions;
  readonly out: Output;
  /** Secrets known so far; Output redacts them from everything it prints. */
  readonly redactor: Redactor;
  /** What main() was handed in place of its defaults (retry policy, clock). */
  readonly deps: Deps;
  #keystore?: Keystore;

  constructor(io: Io, globals: GlobalOptions, out?: Output, deps: Deps = {}) {
    this.io = io;
    this.deps = deps;
    this.globals = globals;
    this.out = out ?? new Output(new Terminal(io, outputOptions(io, globals)));
    this.redactor = this.out.redactor;
    this.redactor.add(io.env.GURUSUP_API_KEY?.trim());
    this.redactor.addUrl(globals.baseUrl ?? io.env.GURUSUP_BASE_URL);
    for (const v of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) this.redactor.addUrl(io.env[v]);
  }

  /** The context of a parsed command line: `term` (made before parsing) takes the parsed mode. */
  static async create(io: Io, globals: GlobalOptions, deps: Deps = {}, term?: Terminal): Promise<Context> {
    const mode = outputOptions(io, globals);
    return new Context(io, globals, await Output.create(term ? term.withMode(mode) : new Terminal(io, mode)), deps);
  }

  get term(): Terminal {
    return this.out.term;
  }

  /** GURUSUP_MAX_RESPONSE: the largest response body accepted, in bytes. */
  get maxResponseBytes(): number | undefined {
    const raw = this.io.env.GURUSUP_MAX_RESPONSE?.trim();
    if (!raw) return undefined;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new UsageError(`GURUSUP_MAX_RESPONSE must be a positive number of bytes, got ${JSON.stringify(raw)}`);
    return n;
  }

  get signal(): AbortSignal {
    return this.io.signal;
  }

  async keystore(): Promise<Keystore> {
    if (!this.#keystore) {
      const { Keystore } = await import('./config/store.js');
      this.#keystore = new Keystore(this.io.env);
    }
    return this.#keystore;
  }

  /**
   * The profile this command acts on (login, logout, status and every API command alike). With
   * `mustExist`, a profile named by --profile or GURUSUP_PROFILE that is not stored is an error.
   */
  async profile(o: { mustExist?: boolean } = {}): Promise<ProfileChoice> {
    const stored = (await this.keystore()).read();
    return this.#choose(stored.active, stored.profiles ?? {}, o.mustExist === true);
  }

  #choose(active: string | undefined, profiles: Record<string, unknown>, mustExist: boolean): ProfileChoice {
    const choice = selectProfile(this.globals, this.io.env, active);
    const named = choice.from === '--profile' || choice.from === 'GURUSUP_PROFILE';
    if (mustExist && named && !Object.hasOwn(profiles, choice.name))
      throw noSuchProfile(choice.name, Object.keys(profiles));
    return choice;
  }

  async profileName(): Promise<string> {
    return (await this.profile()).name;
  }

  async settings(defaultTimeoutS?: number): Promise<Settings> {
    // One read of the config file for the active profile and its settings.
    const stored = (await this.keystore()).read();
    const { name } = this.#choose(stored.active, stored.profiles ?? {}, true);
    const s = resolveSettings(this.globals, this.io.env, name, stored.profiles?.[name], defaultTimeoutS);
    this.redactor.add(s.apiKey);
    this.redactor.addUrl(s.baseUrl);
    return s;
  }

  #usedEnvKey = false;

  /** Adds what only the context knows to an error: a rejected key that came from GURUSUP_API_KEY. */
  explain(err: unknown): unknown {
    if (err instanceof AuthError && err.status !== undefined && this.#usedEnvKey) {
      return withContext(err, {
        hint: 'the key in use comes from the GURUSUP_API_KEY environment variable; set it to a valid key, or unset it to use the saved profile',
      });
    }
    return err;
  }

  /** The key, or exit 3 with how to set one. */
  requireKey(s: Settings): string {
    if (!s.apiKey) throw new AuthError(NO_KEY_MESSAGE);
    return s.apiKey;
  }

  async client(
    s: Settings,
    opts: { requireKey?: boolean; apiKey?: string; onRetry?: ClientOptions['onRetry'] } = {},
  ): Promise<GurusupClient> {
    const apiKey = opts.apiKey ?? (opts.requireKey === false ? s.apiKey : this.requireKey(s));
    this.redactor.add(apiKey);
    if (opts.apiKey === undefined && s.keySource === 'env') this.#usedEnvKey = true;
    const { GurusupClient } = await import('./api/client.js');
    return new GurusupClient({
      baseUrl: s.baseUrl,
      apiKey,
      timeoutMs: s.timeoutMs,
      userAgent: USER_AGENT,
      env: this.io.env,
      signal: this.io.signal,
      retry: this.deps.retry,
      clock: this.deps.clock,
      onRetry: opts.onRetry,
      maxResponseBytes: this.maxResponseBytes,
      trace: this.out.opts.debug ? (line) => this.out.debug(line) : undefined,
    });
  }

  /** A client for the user's own URLs (webhook trigger, replay, forward, verify): same traces, no key of its own. */
  async webhookClient(o: { timeoutMs?: number; cancelOnInterrupt?: boolean } = {}): Promise<GurusupClient> {
    const { GurusupClient } = await import('./api/client.js');
    return new GurusupClient({
      baseUrl: '',
      timeoutMs: o.timeoutMs ?? 30_000,
      userAgent: USER_AGENT,
      env: this.io.env,
      signal: o.cancelOnInterrupt === false ? undefined : this.io.signal,
      retry: this.deps.retry,
      clock: this.deps.clock,
      maxResponseBytes: this.maxResponseBytes,
      trace: this.out.opts.debug ? (line) => this.out.debug(line) : undefined,
    });
  }
}
