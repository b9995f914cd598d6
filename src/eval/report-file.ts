import fs from 'node:fs/promises';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Redactor } from '../output/redact.js';

/** Why a file could not be written, in words. */
export function writeProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'no such directory'
    : code === 'ENOSPC'
      ? 'no space left on the device'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (code ?? (err as Error).message);
}

/**
 * A report file (--junit, --report): a reply that quotes the API key (a hostile or broken API)
 * must not put it in a CI artifact, so the Redactor's secrets are hidden there too.
 */
export async function writeReport(file: string, text: string, flag: string, redactor: Redactor): Promise<void> {
  try {
    await fs.writeFile(file, redactor.apply(text));
  } catch (err) {
    // A cut report (a full disk) must not be left for CI to read as the run's result.
    if (
      await fs.lstat(file).then(
        (st) => st.isFile(),
        () => false,
      )
    )
      await fs.rm(file, { force: true }).catch(() => undefined);
    throw new CliError(`cannot write ${flag} ${file}: ${writeProblem(err)}`, EXIT.FAILURE);
  }
}
