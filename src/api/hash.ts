import { createHash } from 'node:crypto';

/** The API addresses a thread by the lowercase hex MD5 of its thread_fid. */
export function threadHash(threadFid: string): string {
  return createHash('md5').update(threadFid, 'utf8').digest('hex');
}

export function isThreadHash(s: string): boolean {
  return /^[0-9a-fA-F]{32}$/.test(s);
}
