// A tiny static file server for the playground (no dependencies): `npm run serve` builds
// web/dist when it is missing and serves it on http://localhost:8080 (PORT=… to change,
// PORT=0 for any free port). Every response carries the playground's strict
// Content-Security-Policy, so what works here works on any host that sends it.
// `serve({ root, port })` is used by the browser tests (port 0: a random free port).
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The policy of web/index.html: scripts, workers, styles and fetches from this origin only; WebAssembly compilation allowed. */
export const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; " +
  "style-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` on 127.0.0.1:`port`. Resolves to { url, port, close() }.
 * Paths are confined to root (no `..` escapes); directories serve their index.html.
 */
export function serve({ root, port = 0, csp = CSP, quiet = true } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': 'no-cache',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'cross-origin-opener-policy': 'same-origin',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    if (!quiet) console.log(`${req.method} ${path}`);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolvePromise({
        url: `http://localhost:${actual}/`,
        port: actual,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = join(here, '..', 'web', 'dist');
  if (!existsSync(join(root, 'index.html')) || process.argv.includes('--build')) {
    const { buildWeb } = await import('./build-web.mjs');
    await buildWeb();
  }
  const port = Number(process.env.PORT ?? 8080);
  const s = await serve({ root, port, quiet: !process.argv.includes('--verbose') });
  console.log(`flowsteer playground: ${s.url}  (benchmarks: ${s.url}bench.html; Ctrl-C to stop)`);
}
