// The floor of `threads export`: a minimal Node script fetching the same URLs 8 at a time over a
// keep-alive agent (GET /threads, then GET /threads/{hash} for each) and writing one NDJSON line
// per thread to a file. Usage: node bench/floor-export.cjs <base-url> <out-file> [concurrency]
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const { hash } = require('node:crypto');
const [base, outFile, conc = '8'] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(conc) });
const headers = { 'x-api-key': process.env.GURUSUP_API_KEY };
const get = (path) =>
  new Promise((resolve, reject) => {
    http
      .get(`${base}${path}`, { agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', reject);
  });
(async () => {
  const threads = JSON.parse(await get('/threads'));
  const fd = fs.openSync(outFile, 'w');
  let next = 0;
  const worker = async () => {
    while (next < threads.length) {
      const t = threads[next++];
      const body = await get(`/threads/${t.thread ?? hash('md5', t.thread_fid)}`);
      fs.writeSync(fd, `${JSON.stringify(JSON.parse(body))}\n`);
    }
  };
  await Promise.all(Array.from({ length: Number(conc) }, worker));
  fs.closeSync(fd);
  agent.destroy();
})();
