import { describe, expect, it } from 'vitest';
import { stdoutErrorLine, wholeWriter, type FdOps } from '../../src/terminal/stdout.js';

/** A file of `room` bytes left on its disk, written through fd 1; `other` bytes come from another writer. */
function disk(room: number, start = '') {
  const file = { data: Buffer.from(start), room };
  const ops = {
    writeSync(_fd: number, data: string | Buffer, offset?: number | null, len?: number | BufferEncoding) {
      const buf =
        typeof data === 'string'
          ? Buffer.from(data, (len as BufferEncoding) ?? 'utf8')
          : data.subarray(offset ?? 0, (offset ?? 0) + (len as number));
      const n = Math.min(buf.length, file.room);
      if (n === 0 && buf.length > 0)
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      file.data = Buffer.concat([file.data, buf.subarray(0, n)]);
      file.room -= n;
      return n;
    },
    fstatSync: () => ({ isFile: () => true, size: file.data.length }),
    ftruncateSync(_fd: number, len: number) {
      file.room += file.data.length - len;
      file.data = file.data.subarray(0, len);
    },
  } as unknown as FdOps;
  return { file, ops };
}

const write = (w: ReturnType<typeof wholeWriter>, chunk: string | Buffer) =>
  new Promise<Error | null | undefined>((resolve) => w(chunk, 'utf8', resolve));

describe('stdout on a file: written to the last byte, or the failing line cut back', () => {
  it('a short write is finished, not dropped', async () => {
    const { file, ops } = disk(1000);
    const real = ops.writeSync;
    let first = true;
    // The first call writes only 3 bytes, as a kernel may.
    ops.writeSync = ((fd: number, data: string | Buffer, off?: number | null, len?: number | BufferEncoding) => {
      if (!first) return (real as (...a: unknown[]) => number)(fd, data, off, len);
      first = false;
      return (real as (...a: unknown[]) => number)(fd, Buffer.from(data as string).subarray(0, 3), 0, 3);
    }) as FdOps['writeSync'];
    const w = wholeWriter(1, ops);
    expect(await write(w, 'line one\n')).toBeUndefined();
    expect(file.data.toString()).toBe('line one\n');
  });

  it('a disk that fills mid-line: ENOSPC, and the part of that line is cut from the file', async () => {
    const { file, ops } = disk(12, 'kept\n');
    const w = wholeWriter(1, ops);
    expect(await write(w, 'first\n')).toBeUndefined();
    const err = await write(w, 'second line\n');
    expect((err as { code?: string }).code).toBe('ENOSPC');
    expect(file.data.toString()).toBe('kept\nfirst\n');
  });

  it("another writer's bytes are never cut", async () => {
    const { file, ops } = disk(12, '');
    const w = wholeWriter(1, ops);
    expect(await write(w, 'ours\n')).toBeUndefined();
    file.data = Buffer.concat([file.data, Buffer.from('theirs\n')]);
    file.room -= 7;
    const err = await write(w, 'too long for the disk\n');
    expect((err as { code?: string }).code).toBe('ENOSPC');
    // The file is not what we alone would have left: nothing is cut.
    expect(file.data.toString()).toBe('ours\ntheirs\n');
  });

  it('the error line names the cause in words, with the code', () => {
    expect(stdoutErrorLine(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(
      'error: cannot write to stdout: no space left on device (ENOSPC)\n',
    );
    expect(stdoutErrorLine(Object.assign(new Error('EACCES: permission denied\nat …'), { code: 'EACCES' }))).toBe(
      'error: cannot write to stdout: EACCES: permission denied\n',
    );
  });
});
