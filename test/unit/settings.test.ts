import { describe, expect, it } from 'vitest';
import { resolveProfileName, resolveSettings } from '../../src/config/settings.js';

describe('precedence: flag > env > profile > default', () => {
  const profile = { api_key: 'stored-key-0123456789', base_url: 'http://profile.example/api/v1', timeout: 7 };
  it('uses the built-in defaults', () => {
    expect(resolveSettings({}, {}, 'default', undefined)).toEqual({
      profileName: 'default',
      baseUrl: 'https://api.gurusup.com',
      timeoutMs: 30_000,
    });
  });
  it('uses the profile over defaults', () => {
    const s = resolveSettings({}, {}, 'p', profile);
    expect(s).toMatchObject({
      baseUrl: 'http://profile.example/api/v1',
      timeoutMs: 7000,
      apiKey: profile.api_key,
      keySource: 'config',
    });
  });
  it('uses the environment over the profile', () => {
    const s = resolveSettings(
      {},
      { GURUSUP_BASE_URL: 'http://env.example/', GURUSUP_TIMEOUT: '3', GURUSUP_API_KEY: 'env-key-0123456789' },
      'p',
      profile,
    );
    expect(s).toMatchObject({
      baseUrl: 'http://env.example',
      timeoutMs: 3000,
      apiKey: 'env-key-0123456789',
      keySource: 'env',
    });
  });
  it('uses flags over everything', () => {
    const s = resolveSettings(
      { baseUrl: 'http://flag.example', timeout: '1.5' },
      { GURUSUP_BASE_URL: 'http://env.example', GURUSUP_TIMEOUT: '3' },
      'p',
      profile,
    );
    expect(s).toMatchObject({ baseUrl: 'http://flag.example', timeoutMs: 1500 });
  });
  it('applies the per-command default timeout', () => {
    expect(resolveSettings({}, {}, 'd', undefined, 120).timeoutMs).toBe(120_000);
  });
  it('rejects bad values with a usage error', () => {
    expect(() => resolveSettings({ timeout: 'abc' }, {}, 'd', undefined)).toThrow(/invalid timeout/);
    expect(() => resolveSettings({ baseUrl: 'ftp://x' }, {}, 'd', undefined)).toThrow(/only http and https/);
  });
  it('picks the profile name by flag, env, active, default', () => {
    expect(resolveProfileName({ profile: 'f' }, { GURUSUP_PROFILE: 'e' }, 'a')).toBe('f');
    expect(resolveProfileName({}, { GURUSUP_PROFILE: 'e' }, 'a')).toBe('e');
    expect(resolveProfileName({}, {}, 'a')).toBe('a');
    expect(resolveProfileName({}, {}, undefined)).toBe('default');
  });
});
