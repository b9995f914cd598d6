import type { GlobalOptions } from '../global-options.js';
/** Precedence, highest first: flag, environment, the profile's stored setting, built-in default. */
import { AuthError, CliError, EXIT, UsageError } from '../errors.js';
import { decodeOrUndefined, redactUserinfo } from '../output/redact.js';

export const DEFAULT_BASE_URL = 'https://api.gurusup.com';
export const DEFAULT_TIMEOUT_S = 30;
/** POST /messages waits for the AI's reply: its default timeout (messages send, chat, eval, api). */
export const SEND_TIMEOUT_S = 120;

export interface Profile {
  api_key?: string;
  base_url?: string;
  timeout?: number;
}

/** What settings read of the global options. */
export type GlobalFlags = Pick<GlobalOptions, 'profile' | 'baseUrl' | 'timeout'>;

export interface Settings {
  profileName: string;
  baseUrl: string;
  timeoutMs: number;
  apiKey?: string;
  keySource?: 'env' | 'config';
}

/** Profile names are plain words, so no shell completing them can ever expand one. */
export const PROFILE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function checkProfileName(name: string, from: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(
      `invalid profile name ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)} from ${from}`,
      'profile names are 1 to 64 letters, digits, ".", "_" or "-"',
    );
  }
  return name;
}

export function resolveProfileName(flags: GlobalFlags, env: NodeJS.ProcessEnv, active: string | undefined): string {
  return selectProfile(flags, env, active).name;
}

/** A timeout stored in a profile: a clear error naming the profile and setting when it is not usable. */
export function storedTimeoutMs(value: unknown, profileName: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 2_147_483) {
    throw new CliError(
      `invalid setting "timeout" in profile ${profileName}: ${JSON.stringify(value) ?? String(value)} (expected seconds, more than 0 and at most 2147483)`,
      EXIT.FAILURE,
      {
        hint: `fix or remove "timeout" of profile ${profileName} in the config file ('gurusup auth status' shows where it is), or pass --timeout`,
      },
    );
  }
  return Math.round(value * 1000);
}

/** A base URL stored in a profile: like a stored timeout, a bad one is exit 1 naming the profile and setting. */
export function storedBaseUrl(value: unknown, profileName: string): string {
  try {
    if (typeof value !== 'string') throw new UsageError('not a string');
    return normalizeBaseUrl(value, `profile ${profileName}`);
  } catch {
    throw new CliError(
      `invalid setting "base_url" in profile ${profileName}: ${redactUserinfo(JSON.stringify(value) ?? String(value))} (expected an http or https URL)`,
      EXIT.FAILURE,
      {
        hint: `fix or remove "base_url" of profile ${profileName} in the config file, or pass --base-url`,
      },
    );
  }
}

/**
 * A key stored in a profile (by hand: auth login refuses such keys): one that cannot go in a header
 * is exit 1 naming the profile and setting, not a crash or a network error. Its value is not shown.
 */
export function storedApiKey(value: unknown, profileName: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && /^[\x21-\x7e]+$/.test(value)) return value;
  throw new CliError(
    `invalid setting "api_key" in profile ${profileName}: not a key (a string of printable ASCII characters without spaces)`,
    EXIT.FAILURE,
    {
      hint: `save it again: gurusup auth login --profile ${profileName}`,
    },
  );
}

export interface ProfileChoice {
  name: string;
  /** Where the name came from: named by the user (flag, env) or implied (active profile, default). */
  from: '--profile' | 'GURUSUP_PROFILE' | 'active' | 'default';
}

/** The one place that decides which profile a command acts on: --profile, GURUSUP_PROFILE, the active one, else `default`. */
export function selectProfile(flags: GlobalFlags, env: NodeJS.ProcessEnv, active: string | undefined): ProfileChoice {
  if (flags.profile) return { name: checkProfileName(flags.profile, '--profile'), from: '--profile' };
  if (env.GURUSUP_PROFILE)
    return { name: checkProfileName(env.GURUSUP_PROFILE, 'GURUSUP_PROFILE'), from: 'GURUSUP_PROFILE' };
  if (active) return { name: checkProfileName(active, 'the config file (active profile)'), from: 'active' };
  return { name: 'default', from: 'default' };
}

/** `--profile ghost`: exit 3, with the stored names in the hint. */
export function noSuchProfile(name: string, stored: readonly string[]): AuthError {
  return new AuthError(`no profile named ${JSON.stringify(name)}`, {
    hint: stored.length
      ? `stored profiles: ${[...stored].sort().join(', ')}; or create it with 'gurusup auth login --profile ${name}'`
      : `no profile is stored yet; create one with 'gurusup auth login --profile ${name}'`,
  });
}

export function parseTimeout(raw: string, from: string): number {
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  const bad = (why: string) =>
    new UsageError(
      `invalid timeout ${JSON.stringify(raw)} from ${from}: ${why}`,
      'give the timeout in seconds, e.g. --timeout 30 or --timeout 2.5',
    );
  if (!Number.isFinite(n)) throw bad('expected a number of seconds');
  if (n <= 0) throw bad('it must be more than 0 seconds (there is no "no timeout")');
  // setTimeout's limit is 2^31-1 ms; above it Node fires at once.
  if (n > 2_147_483) throw bad('at most 2147483 seconds (about 24 days)');
  // Below a millisecond would round to "no timeout at all".
  return Math.max(1, Math.round(n * 1000));
}

export function normalizeBaseUrl(raw: string, from: string): string {
  const shown = JSON.stringify(redactUserinfo(raw));
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`invalid base URL ${shown} from ${from}`, 'expected something like https://api.gurusup.com');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UsageError(`invalid base URL ${shown} from ${from}: only http and https are supported`);
  }
  checkUserinfo(u, `base URL from ${from}`, raw);
  return u.toString().replace(/\/+$/, '');
}

/** A user:password that cannot be decoded (`%zz`, a lone `%`) is the user's to fix, not a network fault. */
export function checkUserinfo(u: URL, what: string, raw?: string): void {
  const hint = 'write a literal % as %25, and @ : / # ? in a password as %40 %3A %2F %23 %3F';
  if (decodeOrUndefined(u.username) === undefined || decodeOrUndefined(u.password) === undefined)
    throw new UsageError(`invalid ${what}: its user:password has a malformed percent escape`, hint);
  // An @ after the host, in a URL that has a user: a password holding an unescaped / # ? that
  // the parser took for the end of the host (part of the password would go to DNS as a host).
  if ((u.username || u.password || hasUserinfoLike(raw)) && /@/.test(`${u.pathname}${u.search}${u.hash}`))
    throw new UsageError(`invalid ${what}: its user:password holds an unescaped / # ? or \\`, hint);
}

/** `scheme://x@…` or `x@…` with the @ before the first / ? # \ (what the parser calls userinfo). */
function hasUserinfoLike(raw: string | undefined): boolean {
  return raw !== undefined && /^(?:[a-z][a-z0-9+.-]*:\/\/)?[^/?#\\]*@/i.test(raw);
}

export function resolveSettings(
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv,
  profileName: string,
  profile: Profile | undefined,
  defaultTimeoutS = DEFAULT_TIMEOUT_S,
): Settings {
  const baseUrl = flags.baseUrl
    ? normalizeBaseUrl(flags.baseUrl, '--base-url')
    : env.GURUSUP_BASE_URL
      ? normalizeBaseUrl(env.GURUSUP_BASE_URL, 'GURUSUP_BASE_URL')
      : profile?.base_url
        ? storedBaseUrl(profile.base_url, profileName)
        : DEFAULT_BASE_URL;
  const timeoutMs = flags.timeout
    ? parseTimeout(flags.timeout, '--timeout')
    : env.GURUSUP_TIMEOUT
      ? parseTimeout(env.GURUSUP_TIMEOUT, 'GURUSUP_TIMEOUT')
      : profile?.timeout !== undefined && profile.timeout !== null
        ? storedTimeoutMs(profile.timeout, profileName)
        : defaultTimeoutS * 1000;
  const envKey = env.GURUSUP_API_KEY?.trim();
  // The rule auth login applies: such a key cannot go in a header, and would surface as a
  // "network error … check --base-url" on every command.
  if (envKey && /[^\x21-\x7e]/.test(envKey)) {
    throw new UsageError(
      'GURUSUP_API_KEY contains a space, a control or a non-ASCII character, so it cannot be the key',
      'set it to the key alone, copied again from https://app.gurusup.com/settings/integrations',
    );
  }
  if (envKey) return { profileName, baseUrl, timeoutMs, apiKey: envKey, keySource: 'env' };
  const storedKey = storedApiKey(profile?.api_key, profileName);
  if (storedKey) return { profileName, baseUrl, timeoutMs, apiKey: storedKey, keySource: 'config' };
  return { profileName, baseUrl, timeoutMs };
}
