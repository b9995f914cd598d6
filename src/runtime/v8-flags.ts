/**
 * Changes V8's flags while running. The start-up code cache is taken first (bin/load.js): V8
 * refuses a cache made under other flags, so one written at exit would never be used again.
 */
export function setV8Flags(flags: string): void {
  (globalThis as { [k: symbol]: (() => void) | undefined })[Symbol.for('gurusup.beforeV8Flags')]?.();
  process.getBuiltinModule('node:v8').setFlagsFromString(flags);
}

/** The V8 versions known to have `--max-opt` (Node 20, 22, 24): an unknown flag prints an error. */
export function hasMaxOpt(): boolean {
  const major = Number(process.versions.v8.split('.')[0]);
  return major >= 11 && major <= 13;
}
