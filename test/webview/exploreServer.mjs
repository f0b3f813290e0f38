// A local server for the explore views' harness (search page, service map): the page, the built explore
// bundle, and in place of the extension host + receiver the receiver's own /api/explore routes
// (src/receiver/exploreRoutes.ts) over a real TraceStore with the ingest-time service map.
import http from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { exploreRoute } = require('../../out/src/receiver/exploreRoutes.js');

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

/** startExploreServer({ store, map, bundleDir }) → { url, close() } */
export async function startExploreServer({ store, map, bundleDir = join(root, 'dist') }) {
  // the summaries the search panel asked for as it opened (by query: a first screen, then every row)
  let prefetched = new Map();
  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://x');
    try {
      if (u.pathname === '/explore.html') {
        const view = u.searchParams.get('view') === 'servicemap' ? 'servicemap' : 'search';
        const traceId = u.searchParams.get('traceId');
        // the search panel asks the receiver for a first screen of the summaries as it opens, while the
        // webview loads (every row is asked for once that came, as SearchPanel.load does)
        prefetched = new Map();
        if (view === 'search') {
          const q = `first=${u.searchParams.get('first') || 80}&sample=${u.searchParams.get('sample') || 2000}`;
          // after the page is sent: in VS Code the receiver is another process and the webview's HTML does not
          // wait for it (this one process still does one thing at a time)
          prefetched.set(q, new Promise((r) => setImmediate(() => {
            try {
              r(exploreRoute(store, map, 'GET', ['summaries'], new URL(`http://x/api/explore/summaries?${q}`), null));
            } catch (e) {
              r({ status: 500, json: { error: String((e && e.stack) || e) } });
            }
          })));
        }
        const html = readFileSync(join(here, 'explore-harness.html'), 'utf8')
          .replace('data-view="search"', `data-view="${view}"${traceId && /^[0-9a-f]+$/.test(traceId) ? ` data-trace-id="${traceId}"` : ''}`);
        return send(res, 200, TYPES['.html'], html);
      }
      if (u.pathname === '/explore-harness.js') return file(res, join(here, 'explore-harness.js'));
      if (u.pathname === '/harnessFetch.js') return file(res, join(here, 'harnessFetch.js'));
      if (u.pathname === '/mark') return send(res, 204, 'text/plain', '');
      if (u.pathname.startsWith('/dist/')) return file(res, join(bundleDir, u.pathname.slice(6)));
      if (u.pathname.startsWith('/api/explore/')) {
        const rest = u.pathname.slice('/api/explore/'.length).split('/').map(decodeURIComponent);
        let answer;
        if (rest[0] === 'summaries' && prefetched.has(u.search.slice(1))) {
          answer = await prefetched.get(u.search.slice(1));
          prefetched.delete(u.search.slice(1));
        } else {
          answer = await exploreRoute(store, map, req.method, rest, u, () => readBody(req));
        }
        if ('bytes' in answer) {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': answer.bytes.byteLength });
          return res.end(Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength));
        }
        return send(res, answer.status, 'application/json', JSON.stringify(answer.json));
      }
      send(res, 404, 'text/plain', 'not found');
    } catch (e) {
      send(res, 500, 'text/plain', String((e && e.stack) || e));
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => {
      server.closeAllConnections?.();
      server.close(r);
    }),
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function file(res, p) {
  if (!existsSync(p)) return send(res, 404, 'text/plain', `missing ${p} (run node scripts/build.mjs)`);
  send(res, 200, TYPES[p.slice(p.lastIndexOf('.'))] ?? 'application/octet-stream', readFileSync(p));
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
