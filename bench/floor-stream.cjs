// The floor of the --json pass-through: a minimal Node script that GETs a URL with node:http and
// writes each chunk to stdout as it arrives. Usage: node bench/floor-stream.cjs <url>
'use strict';
const http = require('node:http');
http.get(process.argv[2], { headers: { 'x-api-key': process.env.GURUSUP_API_KEY } }, (res) => {
  res.on('data', (c) => process.stdout.write(c));
});
