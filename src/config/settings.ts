/** Precedence, highest first: flag, environment, the profile's stored setting, built-in default. */
import { UsageError } from '../errors.js';

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

export function resolveProfileName(flags: GlobalFlags, env: NodeJS.ProcessEnv, active: string | undefined): string {
  return flags.profile || env.GURUSUP_PROFILE || active || 'default';
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
      : profile?.timeout
        ? profile.timeout * 1000
        : defaultTimeoutS * 1000;
  const envKey = env.GURUSUP_API_KEY?.trim();
  if (envKey) return { profileName, baseUrl, timeoutMs, apiKey: envKey, keySource: 'env' };
  if (profile?.api_key) return { profileName, baseUrl, timeoutMs, apiKey: profile.api_key, keySource: 'config' };
  return { profileName, baseUrl, timeoutMs };
}
