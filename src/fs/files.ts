import { UsageError } from '../errors.js';

const PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'the name is too long',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
};

/** A file error code as a user reads it, when it is one we know. */
export function knownFileProblem(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code && Object.hasOwn(PROBLEMS, code) ? PROBLEMS[code] : undefined;
}

/** A file error code as a user reads it (the code itself when it is not one we know). */
export function fileProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return knownFileProblem(err) ?? e?.code ?? (e instanceof Error ? e.message : String(err));
}

/**
 * The one rule for a file named on the command line (`--body-file`, `--input`, `--out`,
 * `--record`, `webhook replay <file>`) that cannot be opened as asked: a usage error, exit 2,
 * raised before anything is sent. A write that fails later (a full disk) is a runtime error, exit 1.
 */
export function fileError(verb: 'read' | 'write', what: string, file: string, err: unknown): UsageError {
  return new UsageError(`cannot ${verb} ${what}${what ? ' ' : ''}${file}: ${fileProblem(err)}`);
}

/**
 * The text of a file named on the command line, where `-` means stdin (gh's ReadUserFile).
 * A file that cannot be read is the usage error above, naming the flag.
 */
export async function readUserFile(file: string, flag: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (file === '-') {
    const { readAll } = await import('../output/prompt.js');
    return readAll(stdin);
  }
  const fs = await import('node:fs/promises');
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    throw fileError('read', flag, file, err);
  }
}
