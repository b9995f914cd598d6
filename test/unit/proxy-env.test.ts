import { describe, expect, it } from 'vitest';
import { proxyFor, readProxyEnv } from '../../src/api/proxy-env.js';
import { redactUserinfo } from '../../src/output/redact.js';

const u = (s: string) => new URL(s);

describe('proxy variables', () => {
  it('lower case wins; https falls back to the http proxy', () => {
    const p = readProxyEnv({ http_proxy: 'http://low:1', HTTP_PROXY: 'http://up:1' });
    expect(proxyFor(u('http://api.test/x'), p)).toBe('http://low:1');
    expect(proxyFor(u('https://api.test/x'), p)).toBe('http://low:1');
    expect(
      proxyFor(u('https://api.test/x'), readProxyEnv({ HTTP_PROXY: 'http://h:1', HTTPS_PROXY: 'http://s:1' })),
    ).toBe('http://s:1');
    expect(proxyFor(u('http://api.test/x'), readProxyEnv({ HTTPS_PROXY: 'http://s:1' }))).toBeUndefined();
  });

  it('NO_PROXY: exact hosts, subdomains, leading dots, ports and *', () => {
    const p = readProxyEnv({
      HTTP_PROXY: 'http://p:1',
      NO_PROXY: 'localhost, .internal.test,example.com:8080 127.0.0.1',
    });
    expect(proxyFor(u('http://localhost:4000/'), p)).toBeUndefined();
    expect(proxyFor(u('http://127.0.0.1:9/'), p)).toBeUndefined();
    expect(proxyFor(u('http://a.internal.test/'), p)).toBeUndefined();
    expect(proxyFor(u('http://example.com:8080/'), p)).toBeUndefined();
    expect(proxyFor(u('http://example.com/'), p)).toBe('http://p:1');
    expect(proxyFor(u('http://notexample.com:8080/'), p)).toBe('http://p:1');
    expect(proxyFor(u('http://anything/'), readProxyEnv({ HTTP_PROXY: 'http://p:1', no_proxy: '*' }))).toBeUndefined();
  });

  it('hides the password of a proxy URL', () => {
    expect(redactUserinfo('http://user:s3cret@proxy:3128')).toBe('http://[redacted]@proxy:3128');
    expect(redactUserinfo('http://proxy:3128')).toBe('http://proxy:3128');
  });
});
