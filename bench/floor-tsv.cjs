// The floor of the piped TSV listing: a minimal Node script doing the same work as
// `gurusup threads list` piped: one GET, JSON.parse, an md5 per thread, tab-separated rows out.
// Usage: node bench/floor-tsv.cjs <url>
'use strict';
const http = require('node:http');
const { hash } = require('node:crypto');
http.get(process.argv[2], { headers: { 'x-api-key': process.env.GURUSUP_API_KEY } }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    const threads = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const lines = new Array(threads.length);
    for (let i = 0; i < threads.length; i++) {
      const t = threads[i];
      lines[i] = [t.thread_fid, hash('md5', t.thread_fid), t.subject, t.user_fid, t.message_count, t.updated_at].join(
        '\t',
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  });
});
