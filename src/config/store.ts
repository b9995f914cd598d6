import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { Conf } from '../vendor/conf.js';
import { EXIT, CliError } from '../errors.js';
import { PROFILE_NAME, checkProfileName, type Profile } from './settings.js';
import { acquireLock } from '../fs/lockfile.js';
import { knownFileProblem } from '../fs/files.js';

/** Write failures said plainly as "cannot write the config file" (not "internal error: EACCES"). */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

export interface StoreShape {
  active?: string;
  profiles?: Record<string, Profile>;
}

export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.GURUSUP_CONFIG_DIR) return path.resolve(env.GURUSUP_CONFIG_DIR);
  if (process.platform === 'win32')
    return path.join(env.APPDATA || path.join(os.homedir(), 'AppData', 'Roaming'), 'gurusup', 'Config');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Preferences', 'gurusup');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'gurusup');
}

/** Profiles on disk, through conf; the file is 0600 and its directory 0700 after every save. */
export class Keystore {
  readonly dir: string;
  readonly file: string;
  #conf: Conf<StoreShape> | undefined;

  constructor(env: NodeJS.ProcessEnv) {
    this.dir = configDir(env);
    this.file = path.join(this.dir, 'config.json');
  }

  #corrupt(err: unknown): CliError {
    // Never quote the parser's message: its snippet of the file can include the stored key.
    const at = err instanceof SyntaxError ? /position (\d+)/.exec(err.message)?.[1] : undefined;
    const why =
      err instanceof SyntaxError
        ? `it is not valid JSON${at ? ` (at character ${at})` : ''}`
        : err instanceof Error
          ? err.message.split('\n')[0]
          : String(err);
    return new CliError(`cannot read the config file ${this.file}: ${why}`, EXIT.FAILURE, {
      hint: `fix the JSON by hand, or move the file away and run 'gurusup auth login' again`,
    });
  }

  /** The config file must not be a symbolic link: saving through one would write the key into its target. */
  #refuseSymlink(): void {
    if (fs.lstatSync(this.file, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new CliError(`the config file ${this.file} is a symbolic link; refusing to follow it`, EXIT.FAILURE, {
        hint: 'replace it with a regular file, or point GURUSUP_CONFIG_DIR at another directory',
      });
    }
  }

  /** Reads with plain fs: commands that only need the key don't pay for loading conf. */
  read(): StoreShape {
    this.#refuseSymlink();
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return {};
      if (code === 'EACCES')
        throw new CliError(`cannot read the config file ${this.file}: permission denied`, EXIT.FAILURE);
      throw this.#corrupt(err);
    }
    let s: unknown;
    try {
      s = JSON.parse(text);
    } catch (err) {
      throw this.#corrupt(err);
    }
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw this.#corrupt(new Error('not a JSON object'));
    const store = s as StoreShape;
    if (
      store.profiles !== undefined &&
      (typeof store.profiles !== 'object' || store.profiles === null || Array.isArray(store.profiles))
    ) {
      throw this.#corrupt(new Error('"profiles" is not an object'));
    }
    return store;
  }

  /** Writes through conf (atomic temp-file + rename, mode 0600), then makes sure of the modes. */
  async #save(s: StoreShape): Promise<void> {
    // 0700 when we create the directory; an existing one (GURUSUP_CONFIG_DIR=/tmp…) is left as it is.
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!this.#conf) {
      const { Conf: ConfClass } = await import('../vendor/conf.js');
      // conf validates what it reads at construction; we already read it ourselves.
      this.#conf = new ConfClass<StoreShape>({
        cwd: this.dir,
        configName: 'config',
        projectName: 'gurusup',
        projectSuffix: '',
        configFileMode: 0o600,
        clearInvalidConfig: true,
      });
    }
    this.#conf.store = s;
    // conf applies the mode only when it creates the file: tighten an older, looser one too.
    fs.chmodSync(this.file, 0o600);
  }

  active(): string | undefined {
    return this.read().active;
  }

  profiles(): Record<string, Profile> {
    return { ...(this.read().profiles ?? {}) };
  }

  /** Stored profile names that are valid names (for completion: a hand-edited odd name is never offered to a shell). */
  profileNames(): string[] {
    return Object.keys(this.read().profiles ?? {}).filter((n) => PROFILE_NAME.test(n));
  }

  profile(name: string): Profile | undefined {
    return this.read().profiles?.[name];
  }

  /** Read-modify-write under a lock file, so two processes saving at once both keep their change. */
  async #update(change: (s: StoreShape) => StoreShape | undefined): Promise<void> {
    try {
      await this.#updateLocked(change);
    } catch (err) {
      throw this.#writeError(err);
    }
  }

  /** A config directory we cannot write to, said plainly (not "internal error: EACCES"). */
  #writeError(err: unknown): unknown {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof CliError || !code || !UNWRITABLE.has(code)) return err;
    return new CliError(`cannot write the config file ${this.file}: ${knownFileProblem(err)}`, EXIT.FAILURE, {
      hint: `make ${this.dir} writable, or set GURUSUP_CONFIG_DIR to a writable directory`,
    });
  }

  async #updateLocked(change: (s: StoreShape) => StoreShape | undefined): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const lock = `${this.file}.lock`;
    const release = acquireLock(lock, { waitMs: 5_000, staleMs: 10_000 });
    if (!release) {
      throw new CliError(`the config file is locked by another gurusup process (${lock})`, EXIT.FAILURE, {
        hint: 'if no other gurusup is running, delete the lock file',
      });
    }
    try {
      const next = change(this.read());
      if (next) await this.#save(next);
    } finally {
      release();
    }
  }

  setProfile(name: string, profile: Profile, makeActive: boolean): Promise<void> {
    checkProfileName(name, 'the profile to save');
    return this.#update((s) => ({
      ...s,
      profiles: { ...(s.profiles ?? {}), [name]: profile },
      active: makeActive ? name : s.active,
    }));
  }

  /** Removes the key; the profile is dropped when nothing else is left in it. */
  async removeKey(name: string): Promise<boolean> {
    let removed = false;
    await this.#update((s) => {
      const p = s.profiles?.[name];
      if (!p?.api_key) return undefined;
      const { api_key: _gone, ...rest } = p;
      const profiles = { ...s.profiles };
      if (Object.keys(rest).length) profiles[name] = rest;
      else delete profiles[name];
      removed = true;
      return { ...s, profiles };
    });
    return removed;
  }

  setActive(name: string): Promise<void> {
    checkProfileName(name, 'the profile to activate');
    return this.#update((s) => ({ ...s, active: name }));
  }
}
