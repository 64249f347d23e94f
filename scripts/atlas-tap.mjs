// A pass-through between the dashboard and the emulator that writes down every OAuth access
// token the emulator issues (one a line, in TOKENS_FILE), so scripts/leak-scan can look for
// them where they must never be: answers, logs, the emulator's state file. Everything else
// passes unchanged, Digest challenges and keep-alive included. Started by
// scripts/load-sessions.
//
// Usage: node scripts/atlas-tap.mjs LISTEN_HOST:PORT UPSTREAM_URL TOKENS_FILE

import http from "node:http";
import fs from "node:fs";

const [listen, upstreamUrl, tokensFile] = process.argv.slice(2);
const upstream = new URL(upstreamUrl);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
fs.writeFileSync(tokensFile, "");

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        if (!req.url.startsWith("/api/oauth/token")) {
          res.writeHead(answer.statusCode, answer.rawHeaders);
          answer.pipe(res);
          return;
        }
        const body = [];
        answer.on("data", (c) => body.push(c));
        answer.on("end", () => {
          const text = Buffer.concat(body);
          try {
            const token = JSON.parse(text).access_token;
            if (token) fs.appendFileSync(tokensFile, token + "\n");
          } catch {
            // Not a token answer (an error body): nothing to write down.
          }
          res.writeHead(answer.statusCode, answer.rawHeaders);
          res.end(text);
        });
      },
    );
    forward.on("error", () => res.destroy());
    forward.end(Buffer.concat(chunks));
  });
});
server.keepAliveTimeout = 60_000;
const [host, port] = listen.split(":");
server.listen(Number(port), host);
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
