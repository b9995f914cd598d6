// One sender, sequential: N POSTs of send_message events (unique ids) over one keep-alive
// connection, each sent once the previous 200 came back. Prints "P50 <ms>" and "OK <n>".
// Usage: node bench/seq-sender.cjs <url> <n>
'use strict';
const http = require('node:http');
const [url, n = '200'] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const post = (body) =>
  new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'x-api-key': process.env.GURUSUP_API_KEY,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve([res.statusCode, Number(process.hrtime.bigint() - t) / 1e6]));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
(async () => {
  const times = [];
  let ok = 0;
  for (let i = 0; i < Number(n); i++) {
    const [status, msTaken] = await post(
      `{"event":"send_message","data":{"body":"Orders ship within 24 hours.","thread_fid":"bench","user_fid":"gurusup-ai","id":"seq-${process.pid}-${i}"}}`,
    );
    if (status === 200) ok++;
    if (i >= 10) times.push(msTaken);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(`P50 ${times[times.length >> 1]}\nOK ${ok}\n`);
  agent.destroy();
})();
