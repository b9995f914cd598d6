/**
 * Gathers what is written during one turn of the event loop (every request whose body was
 * complete in it) into one write, done once the turn's I/O callbacks have run (setImmediate).
 * Every caller of a turn gets the same promise, settled with that write: resolved once the
 * stream has taken the bytes, rejected with its error. (One promise per batch, not per event:
 * allocations are what a busy listener spends its time on.)
 */
export function turnBatcher(write: (text: string) => Promise<void>): (text: string) => Promise<void> {
  let texts: string[] = [];
  let batch: Promise<void> | undefined;
  let settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  const flush = () => {
    const text = texts.length === 1 ? texts[0]! : texts.join('');
    const these = settle!;
    texts = [];
    batch = undefined;
    settle = undefined;
    let p: Promise<void>;
    try {
      p = write(text);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(these.resolve, these.reject);
  };
  return (text) => {
    texts.push(text);
    if (!batch) {
      batch = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      setImmediate(flush);
    }
    return batch;
  };
}
