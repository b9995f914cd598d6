/** Precedence, highest first: flag, environment, the profile's stored setting, built-in default. */
import { CliError, UsageError } from '../errors.js';

export const DEFAULT_BASE_URL = 'https://api.gurusup.com';
export const DEFAULT_TIMEOUT_S = 30;

export interface Profile {
  api_key?: string;
  base_url?: string;
  timeout?: number;
}

export interface GlobalFlags {
  profile?: string;
  baseUrl?: string;
  timeout?: string;
}

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
    throw new UsageError(`invalid profile name ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)} from ${from}`, 'profile names are 1 to 64 letters, digits, ".", "_" or "-"');
  }
  return name;
}

export function resolveProfileName(flags: GlobalFlags, env: NodeJS.ProcessEnv, active: string | undefined): string {
  if (flags.profile) return checkProfileName(flags.profile, '--profile');
  if (env.GURUSUP_PROFILE) return checkProfileName(env.GURUSUP_PROFILE, 'GURUSUP_PROFILE');
  if (active) return checkProfileName(active, 'the config file (active profile)');
  return 'default';
}

/** A timeout stored in a profile: a clear error naming the profile and setting when it is not usable. */
export function storedTimeoutMs(value: unknown, profileName: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 2_147_483) {
    throw new CliError(`invalid setting "timeout" in profile ${profileName}: ${JSON.stringify(value) ?? String(value)} (expected seconds, more than 0 and at most 2147483)`, 1, {
      hint: `fix or remove "timeout" of profile ${profileName} in the config file ('gurusup auth status' shows where it is), or pass --timeout`,
    });
  }
  return Math.round(value * 1000);
}

export function parseTimeout(raw: string, from: string): number {
  const n = Number(raw);
  // setTimeout's limit is 2^31-1 ms; above it Node fires at once.
  if (!Number.isFinite(n) || n <= 0 || n > 2_147_483) throw new UsageError(`invalid timeout ${JSON.stringify(raw)} from ${from}: expected seconds, more than 0 and at most 2147483`);
  return Math.round(n * 1000);
}

export function normalizeBaseUrl(raw: string, from: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`invalid base URL ${JSON.stringify(raw)} from ${from}`, 'expected something like https://api.gurusup.com');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UsageError(`invalid base URL ${JSON.stringify(raw)} from ${from}: only http and https are supported`);
  }
  return u.toString().replace(/\/+$/, '');
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
        ? normalizeBaseUrl(profile.base_url, `profile ${profileName}`)
        : DEFAULT_BASE_URL;
  const timeoutMs = flags.timeout
    ? parseTimeout(flags.timeout, '--timeout')
    : env.GURUSUP_TIMEOUT
      ? parseTimeout(env.GURUSUP_TIMEOUT, 'GURUSUP_TIMEOUT')
      : profile?.timeout !== undefined && profile.timeout !== null
        ? storedTimeoutMs(profile.timeout, profileName)
        : defaultTimeoutS * 1000;
  const envKey = env.GURUSUP_API_KEY?.trim();
  if (envKey) return { profileName, baseUrl, timeoutMs, apiKey: envKey, keySource: 'env' };
  if (profile?.api_key) return { profileName, baseUrl, timeoutMs, apiKey: profile.api_key, keySource: 'config' };
  return { profileName, baseUrl, timeoutMs };
}
