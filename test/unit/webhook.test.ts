import { describe, expect, it } from 'vitest';
import { describeEvent, eventBlock } from '../../src/webhook/event.js';
import { keyMatches, redactHeaders } from '../../src/webhook/listener.js';
import { secretForms } from '../../src/output/redact.js';
import { recordedBody } from '../../src/commands/webhook-run.js';
import { plainPaint } from '../../src/output/format.js';
import { clockTime } from '../../src/output/time.js';
import { displayWidth } from '../../src/output/width.js';

describe('describeEvent', () => {
  it('reads the type from event, type or event_type and the message from data, message or payload', () => {
    expect(describeEvent({ event: 'send_message', data: { body: 'a' } })).toEqual({
      type: 'send_message',
      message: { body: 'a' },
    });
    expect(describeEvent({ type: 't', message: { body: 'b' } })).toEqual({ type: 't', message: { body: 'b' } });
    expect(describeEvent({ event_type: 'u', payload: { body: 'c' } })).toEqual({ type: 'u', message: { body: 'c' } });
    expect(describeEvent({ other: 1 })).toEqual({});
    expect(describeEvent([1, 2])).toEqual({});
    expect(describeEvent('text')).toEqual({});
  });
  it('shows unknown shapes raw, at the local time of arrival', () => {
    const at = new Date('2024-01-01T10:11:12.345Z');
    expect(eventBlock({ other: 1 }, at, plainPaint)).toBe(`${clockTime(at)}  event\n  {\n    "other": 1\n  }\n\n`);
  });
  it('an event whose message has no body is shown raw, not as null', () => {
    const text = eventBlock({ event: 'send_message', data: { thread_fid: 't-1' } }, new Date(), plainPaint);
    expect(text).not.toContain('null');
    expect(text).toContain('"thread_fid": "t-1"');
  });
  it('word-wraps a long body to the width, continuation lines indented like the first', () => {
    const body = 'Refunds go back to the original payment method within 5–7 business days once the return is received.';
    const text = eventBlock(
      { event: 'send_message', data: { thread_fid: 't', user_fid: 'u', body } },
      new Date(),
      plainPaint,
      { width: 40 },
    );
    const lines = text.trimEnd().split('\n').slice(1);
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) {
      expect(l.startsWith('  ') && !l.startsWith('   ')).toBe(true);
      expect(displayWidth(l)).toBeLessThanOrEqual(40);
    }
    expect(lines.map((l) => l.trim()).join(' ')).toBe(body);
  });
});

describe('keyMatches', () => {
  it('accepts only the exact key, of any length', () => {
    expect(keyMatches('abc', 'abc')).toBe(true);
    expect(keyMatches('abd', 'abc')).toBe(false);
    expect(keyMatches('abcd', 'abc')).toBe(false);
    expect(keyMatches(undefined, 'abc')).toBe(false);
    expect(keyMatches('', 'abc')).toBe(false);
  });
  it('redacts the key header', () => {
    expect(redactHeaders({ 'x-api-key': 'k', 'content-type': 'application/json' })).toEqual({
      'x-api-key': '[redacted]',
      'content-type': 'application/json',
    });
  });
});

describe('recordedBody', () => {
  it('unwraps --record lines and keeps bare events', () => {
    expect(recordedBody('{"received_at":"t","headers":{},"body":{"event":"a"}}')).toBe('{"event":"a"}');
    expect(recordedBody('{"event":"a"}')).toBe('{"event":"a"}');
    expect(recordedBody('{nope')).toBeUndefined();
  });
});

describe('redactHeaders with the key forms', () => {
  it('hides any header value carrying the key, as written or percent-encoded', () => {
    const forms = secretForms('k3y/with+chars');
    expect(
      redactHeaders(
        { cookie: 'session=k3y%2Fwith%2Bchars', referer: 'http://h/?k=k3y/with+chars', accept: '*/*' },
        forms,
      ),
    ).toEqual({ cookie: '[redacted]', referer: '[redacted]', accept: '*/*' });
  });
});
