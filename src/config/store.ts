import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { Conf } from '../vendor/conf.js';
import { CliError } from '../errors.js';
import type { Profile } from './settings.js';

export interface StoreShape {
  active?: string;
  profiles?: Record<string, Profile>;
}

export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.GURUSUP_CONFIG_DIR) return path.resolve(env.GURUSUP_CONFIG_DIR);
  if (process.platform === 'win32') return path.join(env.APPDATA || path.join(os.homedir(), 'AppData', 'Roaming'), 'gurusup', 'Config');
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
    const why = err instanceof SyntaxError ? `it is not valid JSON${at ? ` (at character ${at})` : ''}` : err instanceof Error ? err.message.split('\n')[0] : String(err);
    return new CliError(`cannot read the config file ${this.file}: ${why}`, 1, {
      hint: `fix the JSON by hand, or move the file away and run 'gurusup auth login' again`,
    });
  }

  /** Reads with plain fs: commands that only need the key don't pay for loading conf. */
  read(): StoreShape {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return {};
      if (code === 'EACCES') throw new CliError(`cannot read the config file ${this.file}: permission denied`, 1);
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
    if (store.profiles !== undefined && (typeof store.profiles !== 'object' || store.profiles === null || Array.isArray(store.profiles))) {
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
      this.#conf = new ConfClass<StoreShape>({ cwd: this.dir, configName: 'config', projectName: 'gurusup', projectSuffix: '', configFileMode: 0o600, clearInvalidConfig: true });
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

  profile(name: string): Profile | undefined {
    return this.read().profiles?.[name];
  }

  /** Read-modify-write under a lock file, so two processes saving at once both keep their change. */
  async #update(change: (s: StoreShape) => StoreShape | undefined): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const lock = `${this.file}.lock`;
    const deadline = Date.now() + 5_000;
    let fd: number | undefined;
    while (fd === undefined) {
      try {
        fd = fs.openSync(lock, 'wx', 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
        if (age > 10_000) fs.rmSync(lock, { force: true });
        else if (Date.now() > deadline) {
          throw new CliError(`the config file is locked by another gurusup process (${lock})`, 1, { hint: 'if no other gurusup is running, delete the lock file' });
        } else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    }
    try {
      const next = change(this.read());
      if (next) await this.#save(next);
    } finally {
      fs.closeSync(fd);
      fs.rmSync(lock, { force: true });
    }
  }

  setProfile(name: string, profile: Profile, makeActive: boolean): Promise<void> {
    return this.#update((s) => ({ ...s, profiles: { ...(s.profiles ?? {}), [name]: profile }, active: makeActive ? name : s.active }));
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
    return this.#update((s) => ({ ...s, active: name }));
  }
}
