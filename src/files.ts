import { UsageError } from './errors.js';

/** A file error code as a user reads it. */
export function fileProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EROFS':
      return 'read-only file system';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return e?.code ?? (e instanceof Error ? e.message : String(err));
  }
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
    const { readAll } = await import('./output/prompt.js');
    return readAll(stdin);
  }
  const fs = await import('node:fs/promises');
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    throw fileError('read', flag, file, err);
  }
}
