// The limit to compare against: a bare node:http server that reads the body, parses the same
// JSON and answers 204 (or 302 for redirects). Runs as its own process, like the app.
import http from 'node:http';

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method === 'POST') {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(302, { location: 'https://shop.example.com/?ps_ct=x' });
      res.end();
    }
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
