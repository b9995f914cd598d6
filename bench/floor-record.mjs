// The floor of `webhook listen --record` (issue 13): the listener benchmark's bare node:http
// server (bench/bare-server.mjs) plus the one thing --record must add, the contract's "200 only
// once the event is in the file": the bodies of one event-loop turn appended with one write and
// one fdatasync (on the thread pool, one at a time), and only then their 200s.
// Usage: node bench/floor-record.mjs <file>; prints its URL on stderr.
import http from 'node:http';
import fs from 'node:fs';

const fd = fs.openSync(process.argv[2], 'a');
let queue = [];
let scheduled = false;
let syncing = false;

function flush() {
  scheduled = false;
  if (syncing || queue.length === 0) return;
  const batch = queue;
  queue = [];
  syncing = true;
  fs.writeSync(fd, batch.map((b) => b.line).join(''));
  fs.fdatasync(fd, (err) => {
    syncing = false;
    for (const b of batch) {
      b.res.writeHead(err ? 503 : 200, { 'content-type': 'application/json', 'content-length': 17 });
      b.res.end(err ? '{"error":"fsync"}' : '{"received":true}');
    }
    flush();
  });
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    queue.push({ line: `${Buffer.concat(chunks).toString()}\n`, res });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stderr.write(`Listening on http://127.0.0.1:${server.address().port}/\n`));
process.on('SIGINT', () => server.close(() => process.exit(0)));
