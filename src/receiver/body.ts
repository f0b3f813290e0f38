// Reading a request body safely: a byte cap on what arrives AND on what it inflates to (gzip/deflate are
// decompressed as a stream and stopped at the cap, so a small bomb cannot balloon), and a deadline so a
// client that stops sending cannot hold a request open.
import type { IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';

export type ContentEncoding = 'identity' | 'gzip' | 'deflate';

export class BodyError extends Error {
  constructor(
    /** HTTP status to answer: 413 too large, 400 bad compressed data, 408 too slow */
    readonly status: 400 | 408 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** the body's encoding from Content-Encoding, or undefined when unsupported */
export function parseContentEncoding(header: string | undefined): ContentEncoding | undefined {
  const v = (header ?? '').trim().toLowerCase();
  if (v === '' || v === 'identity') return 'identity';
  if (v === 'gzip' || v === 'x-gzip') return 'gzip';
  if (v === 'deflate') return 'deflate';
  return undefined;
}

export function mib(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${n} bytes`;
}

export function readBody(req: IncomingMessage, encoding: ContentEncoding, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new BodyError(413, `request body of ${mib(declared)} is over the ${mib(maxBytes)} limit`));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let produced = 0;
    let done = false;
    let inflater: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | undefined;
    const timer = setTimeout(() => finish(new BodyError(408, `the request body did not arrive within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);

    const finish = (err?: Error, body?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // the request's other listeners keep this closure as long as the socket lives: let the data go now
      chunks.length = 0;
      req.removeListener('data', onData);
      if (inflater) {
        inflater.removeAllListeners('data');
        inflater.on('error', () => undefined);
        inflater.destroy();
      }
      if (err) reject(err);
      else resolve(body!);
    };
    const onOut = (c: Buffer) => {
      produced += c.length;
      if (produced > maxBytes) {
        finish(new BodyError(413, `request body inflates to more than the ${mib(maxBytes)} limit`));
        return;
      }
      chunks.push(c);
    };
    const startInflater = (first: Buffer) => {
      if (encoding === 'gzip') inflater = zlib.createGunzip();
      // "deflate" is the zlib format by the HTTP spec, but some clients send raw deflate: look at the header
      else inflater = (first[0] & 0x0f) === 8 && ((first[0] << 8) | (first[1] ?? 0)) % 31 === 0 ? zlib.createInflate() : zlib.createInflateRaw();
      inflater.on('data', onOut);
      inflater.on('error', (e) => finish(new BodyError(400, `the ${encoding} body could not be decompressed: ${e.message}`)));
      inflater.on('end', () => finish(undefined, Buffer.concat(chunks, produced)));
    };
    const onData = (c: Buffer) => {
      if (done) return;
      received += c.length;
      if (received > maxBytes) {
        finish(new BodyError(413, `request body is over the ${mib(maxBytes)} limit`));
        return;
      }
      if (encoding === 'identity') chunks.push(c);
      else {
        if (!inflater) startInflater(c);
        inflater!.write(c);
      }
    };
    req.on('data', onData);
    req.on('end', () => {
      if (done) return;
      if (encoding === 'identity') finish(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
      else if (!inflater) finish(undefined, Buffer.alloc(0));
      else inflater.end();
    });
    req.on('error', (e) => finish(new BodyError(400, `the request body could not be read: ${e.message}`)));
    req.on('aborted', () => finish(new BodyError(400, 'the client aborted the request')));
  });
}
