import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { Io } from '../../src/io.js';
import { tempDir } from '../helpers/io.js';
import { KEY, ask, events, sendEvent, until } from './harness.js';

/** A stdout that takes nothing until released: what a stalled reader (`| less`) looks like. */
class GatedStdout extends Writable {
  text = '';
  #held: Array<() => void> = [];
  #open = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    const take = () => {
      this.text += chunk.toString();
      cb();
    };
    if (this.#open) take();
    else this.#held.push(take);
  }
  /** Writes held back: the listener has the event and waits on stdout. */
  get waiting(): number {
    return this.#held.length;
  }
  release(): void {
    this.#open = true;
    for (const take of this.#held.splice(0)) take();
  }
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

// In process, with the source: the inspector shows an event only once its entry is on stdout.
describe('webhook listen --inspect: stdout first', () => {
  it('an event appears in the inspector only after its entry is written, and its 200 after that', async () => {
    const stdout = new GatedStdout();
    let err = '';
    const stderr = new Writable({
      write(c: Buffer, _e, cb) {
        err += c.toString();
        cb();
      },
    });
    const stdin = new PassThrough();
    stdin.end();
    const ac = new AbortController();
    stop = () => ac.abort();
    const io: Io = {
      stdout,
      stderr,
      stdin,
      env: { PATH: process.env.PATH, GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY },
      signal: ac.signal,
    };
    const done = main(['webhook', 'listen', '--port', '0', '--inspect', '0', '--json'], io);
    const listenUrl = await until('the listener', () => /Listening on (\S+)/.exec(err)?.[1]);
    const port = Number(
      await until('the inspector', () => /Inspector on http:\/\/127\.0\.0\.1:(\d+)\//.exec(err)?.[1]),
    );
    const page = await ask(port, '/');
    expect(page.status).toBe(200);

    let answered = false;
    const answer = sendEvent(listenUrl, '{"held":true}').then((r) => {
      answered = true;
      return r;
    });
    // The listener has the event and waits on stdout: the inspector must not show it yet.
    await until('the entry to wait on stdout', () => (stdout.waiting > 0 ? true : undefined));
    expect(stdout.text).toBe('');
    expect(await events(port)).toEqual([]);
    expect(answered).toBe(false);

    stdout.release();
    expect((await answer).status).toBe(200);
    expect(stdout.text).toBe('{"held":true}\n');
    expect((await events(port)).map((e) => e.body)).toEqual([{ held: true }]);
    ac.abort();
    expect(await done).toBe(0);
  });
});
