import { describe, expect, it } from 'vitest';
import { plural } from '../../src/output/plural.js';
import { plainReason } from '../../src/errors.js';

describe('counts read as English', () => {
  it('one thread, two threads', () => {
    expect(plural(1, 'thread')).toBe('1 thread');
    expect(plural(0, 'thread')).toBe('0 threads');
    expect(plural(2, 'judge expectation')).toBe('2 judge expectations');
  });

  it('a retry reason reads like the error it stands for (follow said "(ECONNREFUSED)")', () => {
    expect(plainReason('ECONNREFUSED')).toBe('connection refused');
    expect(plainReason('ECONNRESET')).toBe('connection reset');
    expect(plainReason('503 Service Unavailable')).toBe('503 Service Unavailable');
  });
});
