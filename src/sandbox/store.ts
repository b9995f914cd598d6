import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { threadHash } from '../api/hash.js';
import { CliError, EXIT } from '../errors.js';
import { fileError, fileProblem } from '../fs/files.js';
import { acquireLock } from '../fs/lockfile.js';

export interface SandboxMessage {
  _id: string;
  body: string;
  thread_fid: string;
  user_fid: string;
  lang?: string;
  subject?: string;
  is_customer_support_agent: boolean;
  role?: string;
  created_at: string;
  updated_at: string;
  [extra: string]: unknown;
}

export interface SandboxThread {
  thread_fid: string;
  subject?: string;
  user_fid?: string;
  lang?: string;
  created_at: string;
  updated_at: string;
  messages: SandboxMessage[];
}

let counter = randomBytes(3).readUIntBE(0, 3);
const processRandom = randomBytes(5).toString('hex');

/** 24 hex characters shaped like a MongoDB ObjectId: time, per-process random, counter. */
export function objectId(now = Date.now()): string {
  counter = (counter + 1) % 0xffffff;
  return (
    Math.floor(now / 1000)
      .toString(16)
      .padStart(8, '0') +
    processRandom +
    counter.toString(16).padStart(6, '0')
  );
}

/** Without --data the key is fixed, so `auth login` against the sandbox survives a restart. */
export const SANDBOX_KEY = 'gsk_sandbox_local';

export function newSandboxKey(): string {
  return `gsk_sandbox_${randomBytes(16).toString('hex')}`;
}

/** What the sandbox keeps in memory at most: a flood gets 507s, never an out-of-memory crash. */
export const LIMITS = { messages: 10_000, textBytes: 64 * 1024 * 1024 };

/**
 * The sandbox's state: threads by hash, messages by id; optionally persisted with --data.
 *
 * The --data file is a JSON snapshot, always whole (write-then-rename). Messages since the last
 * snapshot are appended to `<file>.journal`, one NDJSON line per POST, so a POST costs one small
 * append however large the state; the journal is folded into the snapshot (compacted) when it
 * outgrows it, at every start and at a normal stop.
 */
export class SandboxStore {
  readonly #byHash = new Map<string, SandboxThread>();
  readonly #messages = new Map<string, SandboxMessage>();
  readonly file?: string;
  /** The key kept in the --data file, so a restart keeps the saved login working. */
  readonly apiKey?: string;
  #listCache: string | undefined;
  #textBytes = 0;
  #journalFd: number | undefined;
  #journalBytes = 0;
  #snapshotBytes = 0;

  readonly limits: typeof LIMITS;

  constructor(threads: SandboxThread[], file?: string, apiKey?: string, limits = LIMITS) {
    this.file = file;
    this.apiKey = apiKey;
    this.limits = limits;
    for (const t of threads) this.#add(t);
  }

  get journal(): string | undefined {
    return this.file && `${this.file}.journal`;
  }

  /** Releases the --data lock (taken in load()). */
  #release: (() => void) | undefined;

  static load(file: string | undefined, seed: () => SandboxThread[]): SandboxStore {
    if (!file) return new SandboxStore(seed());
    // Two sandboxes on one --data file would each compact over the other's messages.
    let release: (() => void) | undefined;
    try {
      release = acquireLock(`${file}.lock`, { waitMs: 0, staleMs: 24 * 3600_000 });
    } catch (err) {
      throw fileError('write', '--data', file, err);
    }
    if (!release)
      throw new CliError(`--data ${file} is in use by another gurusup sandbox`, EXIT.FAILURE, {
        hint: `stop that one, or use another --data file; if none is running, delete ${file}.lock`,
      });
    try {
      const store = SandboxStore.#load(file, seed);
      store.#release = release;
      return store;
    } catch (err) {
      release();
      throw err;
    }
  }

  static #load(file: string, seed: () => SandboxThread[]): SandboxStore {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError('read', '--data', file, err);
      const store = new SandboxStore(seed(), file, newSandboxKey());
      try {
        store.compact();
      } catch (saveErr) {
        // A path that cannot be created (its directory missing): the usage rule for named files.
        throw fileError('write', '--data', file, (saveErr as Error).cause ?? saveErr);
      }
      return store;
    }
    const hint = 'fix it, or point --data at a new file to start from the sample threads';
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new CliError(
        `--data file ${file} is not valid JSON: ${(err as Error).message.split('\n')[0]}`,
        EXIT.FAILURE,
        {
          hint,
        },
      );
    }
    const threads = (data as { threads?: unknown } | null)?.threads;
    if (!Array.isArray(threads))
      throw new CliError(`--data file ${file} has no "threads" array`, EXIT.FAILURE, { hint });
    threads.forEach((t, i) => {
      const bad = (what: string) => new CliError(`--data file ${file}: threads[${i}] ${what}`, EXIT.FAILURE, { hint });
      if (typeof t !== 'object' || t === null) throw bad('is not an object');
      const th = t as Partial<SandboxThread>;
      if (typeof th.thread_fid !== 'string') throw bad('has no "thread_fid" string');
      if (!Array.isArray(th.messages)) throw bad('has no "messages" array');
      th.messages.forEach((m, j) => {
        if (typeof m !== 'object' || m === null || typeof m._id !== 'string')
          throw bad(`messages[${j}] has no "_id" string`);
      });
    });
    const stored = (data as { api_key?: unknown }).api_key;
    // A file from before keys were kept gets one now, so the next start has the same.
    const key = typeof stored === 'string' && stored.length >= 8 && !/\s/.test(stored) ? stored : newSandboxKey();
    const store = new SandboxStore(threads as SandboxThread[], file, key);
    store.#replayJournal();
    store.compact();
    return store;
  }

  /**
   * Messages appended after the last snapshot. Only a last line cut off by a crash is dropped;
   * any other line that is not a list of messages is an error naming the journal and the line.
   */
  #replayJournal(): void {
    const journal = this.journal!;
    const text = readRegularFile(journal, '--data');
    if (text === undefined) return;
    const lines = text.split('\n');
    lines.pop(); // after the last newline: empty, or a line a crash cut off mid-append (dropped)
    const hint = `fix or remove ${journal}: it holds the messages since the last snapshot of ${this.file}`;
    lines.forEach((line, i) => {
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        throw new CliError(`--data journal ${journal}, line ${i + 1}: not JSON`, EXIT.FAILURE, { hint });
      }
      const messages = (entry as { messages?: unknown } | null)?.messages;
      const ok =
        Array.isArray(messages) &&
        messages.every(
          (m) =>
            isObjectLike(m) &&
            typeof m._id === 'string' &&
            typeof m.thread_fid === 'string' &&
            typeof m.user_fid === 'string',
        );
      if (!ok)
        throw new CliError(
          `--data journal ${journal}, line ${i + 1}: not a list of messages with _id, thread_fid and user_fid`,
          EXIT.FAILURE,
          { hint },
        );
      // A message already in the snapshot (a stop between its rename and the journal's reset).
      for (const m of messages as SandboxMessage[]) if (!this.#messages.has(m._id)) this.addMessage(m);
    });
  }

  #add(t: SandboxThread): void {
    this.#byHash.set(threadHash(t.thread_fid), t);
    for (const m of t.messages) {
      this.#messages.set(m._id, m);
      this.#textBytes += textBytes(m);
    }
  }

  /** Whether `n` more messages holding `bytes` of text fit in the limits. */
  hasRoom(n: number, bytes: number): boolean {
    return this.#messages.size + n <= this.limits.messages && this.#textBytes + bytes <= this.limits.textBytes;
  }

  /** The whole state to the --data file (write to a temporary file, then rename), the journal emptied. */
  compact(): void {
    this.#listCache = undefined;
    if (!this.file) return;
    const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.tmp`);
    try {
      const text = JSON.stringify({
        ...(this.apiKey ? { api_key: this.apiKey } : {}),
        threads: [...this.#byHash.values()],
      });
      fs.writeFileSync(tmp, text, { mode: 0o600 });
      fs.renameSync(tmp, this.file);
      this.#snapshotBytes = text.length;
      if (this.#journalFd !== undefined) fs.ftruncateSync(this.#journalFd, 0);
      else fs.rmSync(this.journal!, { force: true });
      this.#journalBytes = 0;
    } catch (err) {
      // No half-written temporary file is left behind (a full disk).
      fs.rmSync(tmp, { force: true });
      throw new CliError(`cannot write --data file ${this.file}: ${fileProblem(err)}`, EXIT.FAILURE, { cause: err });
    }
  }

  /**
   * Keeps `messages` (already added) in the --data journal with one append; when that fails, the
   * changes are taken back (a failed save keeps nothing) and the journal is cut back to whole lines.
   */
  commit(messages: SandboxMessage[], undo: ReadonlyArray<() => void>): void {
    this.#listCache = undefined;
    if (!this.file) return;
    const line = Buffer.from(`${JSON.stringify({ messages })}\n`);
    try {
      this.#journalFd ??= openJournal(this.journal!);
      let off = 0;
      try {
        while (off < line.length) off += fs.writeSync(this.#journalFd, line, off, line.length - off);
      } catch (err) {
        if (off > 0) fs.ftruncateSync(this.#journalFd, this.#journalBytes);
        throw err;
      }
      this.#journalBytes += line.length;
    } catch (err) {
      for (const u of [...undo].reverse()) u();
      throw new CliError(`cannot write --data file ${this.journal}: ${fileProblem(err)}`, EXIT.FAILURE, { cause: err });
    }
    // Folded in once it outgrows the snapshot: the rewrite is paid once per doubling, not per POST.
    if (this.#journalBytes > Math.max(this.#snapshotBytes, 1024 * 1024)) {
      try {
        this.compact();
      } catch {
        // The journal still holds everything: the next start or stop folds it in.
      }
    }
  }

  /** At a normal stop: the snapshot brought up to date, the journal removed. */
  close(): void {
    if (!this.file) return;
    try {
      if (this.#journalBytes > 0) this.compact();
    } finally {
      if (this.#journalFd !== undefined) fs.closeSync(this.#journalFd);
      this.#journalFd = undefined;
      if (this.#journalBytes === 0) fs.rmSync(this.journal!, { force: true });
      this.#release?.();
    }
  }

  /** GET /threads, serialized once per change. */
  listJson(): string {
    this.#listCache ??= JSON.stringify(
      [...this.#byHash.entries()].map(([hash, t]) => ({
        thread: hash,
        thread_fid: t.thread_fid,
        subject: t.subject,
        user_fid: t.user_fid,
        message_count: t.messages.length,
        created_at: t.created_at,
        updated_at: t.updated_at,
      })),
    );
    return this.#listCache;
  }

  thread(hash: string): (SandboxThread & { thread: string }) | undefined {
    const t = this.#byHash.get(hash);
    return t && { thread: hash, ...t };
  }

  message(id: string): SandboxMessage | undefined {
    return this.#messages.get(id);
  }

  /** Stores a message, creating its thread on the first one; returns what takes it back out. */
  addMessage(m: SandboxMessage): () => void {
    const hash = threadHash(m.thread_fid);
    let t = this.#byHash.get(hash);
    const before = t && { updated_at: t.updated_at, subject: t.subject };
    const undo = () => {
      this.#listCache = undefined;
      this.#messages.delete(m._id);
      this.#textBytes -= textBytes(m);
      const thread = this.#byHash.get(hash);
      if (!thread) return;
      const i = thread.messages.lastIndexOf(m);
      if (i >= 0) thread.messages.splice(i, 1);
      if (!before) this.#byHash.delete(hash);
      else Object.assign(thread, before);
    };
    if (!t) {
      t = {
        thread_fid: m.thread_fid,
        subject: m.subject,
        user_fid: m.user_fid,
        lang: m.lang,
        created_at: m.created_at,
        updated_at: m.created_at,
        messages: [],
      };
      this.#byHash.set(hash, t);
    }
    t.messages.push(m);
    t.updated_at = m.created_at;
    if (!t.subject && m.subject) t.subject = m.subject;
    this.#messages.set(m._id, m);
    this.#textBytes += textBytes(m);
    return undo;
  }

  get size(): number {
    return this.#byHash.size;
  }
}

/** What a message weighs against the text limit: the UTF-8 bytes of every string field. */
function textBytes(m: SandboxMessage): number {
  let n = 0;
  for (const k in m) {
    const v = m[k];
    if (typeof v === 'string') n += Buffer.byteLength(v) + k.length;
  }
  return n;
}

function isObjectLike(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const { O_RDONLY, O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW = 0, O_NONBLOCK = 0 } = fs.constants;
/** The journal is at most the snapshot's size past a compaction; anything far larger is not ours. */
const MAX_JOURNAL_BYTES = 1024 * 1024 * 1024;

/**
 * A file's text, or undefined when it does not exist: opened without following a symlink or
 * waiting on a FIFO, and only a regular file of a sane size is read.
 */
function readRegularFile(file: string, flag: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > MAX_JOURNAL_BYTES)
      throw new CliError(`${flag} journal ${file} is not a regular file of a sane size`, EXIT.FAILURE, {
        hint: `remove it; it should only ever be written by gurusup sandbox`,
      });
    return fs.readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof CliError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((err as NodeJS.ErrnoException).code === 'ELOOP')
      throw new CliError(`${flag} journal ${file} is a symbolic link; it is not followed`, EXIT.FAILURE, {
        hint: 'remove it; it should only ever be written by gurusup sandbox',
      });
    throw fileError('read', flag, file, err);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The journal opened for appending, never through a symlink. */
function openJournal(file: string): number {
  return fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
}
