// A minimal loopback CONNECT proxy for the benchmarks (and plain absolute-URL forwarding is not
// needed: undici tunnels http:// origins through CONNECT too). Prints its URL on stderr.
import net from 'node:net';

const server = net.createServer((client) => {
  let head = Buffer.alloc(0);
  const onData = (c) => {
    head = Buffer.concat([head, c]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    client.off('data', onData);
    const m = /^CONNECT ([^\s:]+):(\d+) HTTP\/1\.[01]\r\n/.exec(head.toString('latin1'));
    if (!m) return void client.end('HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n');
    const upstream = net.connect(Number(m[2]), m[1], () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      const rest = head.subarray(end + 4);
      if (rest.length) upstream.write(rest);
      client.pipe(upstream).pipe(client);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  };
  client.on('data', onData);
});
server.listen(0, '127.0.0.1', () => process.stderr.write(`proxy on http://127.0.0.1:${server.address().port}\n`));
process.on('SIGINT', () => process.exit(0));
