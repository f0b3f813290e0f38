// The byte-level intern caches the decoders read strings and ids through: every answer must equal the bytes
// it was asked for, whatever was cached before (same hash sample, same length, different bytes; strings
// longer than the cache keeps; an arena that fills up and starts over), and equal strings are shared.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { internUtf8, releaseInternBuffer, MAX_INTERNED_LENGTH } = require('../../out/src/otlp/intern.js');

function at(buf, s) {
  const start = buf.indexOf(Buffer.from(s));
  return [start, start + Buffer.byteLength(s)];
}

test('a hit returns the cached instance; equal bytes in another buffer share it', () => {
  const a = Buffer.from('xx http.request.method yy');
  const b = Buffer.from('http.request.method');
  const s1 = internUtf8(a, ...at(a, 'http.request.method'));
  const s2 = internUtf8(b, 0, b.length);
  assert.equal(s1, 'http.request.method');
  assert.equal(s2, 'http.request.method');
  releaseInternBuffer();
});

test('strings that differ only in bytes the hash does not sample are never confused (every length 1..96)', () => {
  for (let len = 1; len <= MAX_INTERNED_LENGTH; len++) {
    for (let pos = 0; pos < len; pos++) {
      const base = Buffer.alloc(len, 0x61); // 'aaa…'
      const other = Buffer.from(base);
      other[pos] = 0x62; // one byte differs
      // an offset inside a bigger buffer, so buffer offsets and arena offsets differ
      const big = Buffer.concat([Buffer.from('pad'), base, Buffer.from('|'), other]);
      const s1 = internUtf8(big, 3, 3 + len);
      const s2 = internUtf8(big, 4 + len, 4 + 2 * len);
      assert.equal(s1, base.toString(), `len ${len}`);
      assert.equal(s2, other.toString(), `len ${len} pos ${pos}`);
      assert.equal(internUtf8(big, 3, 3 + len), base.toString());
    }
  }
  releaseInternBuffer();
});

test('multi-byte UTF-8, empty and over-long strings decode exactly', () => {
  const words = ['', 'ä', '日本語のキー', '🙂 emoji', 'x'.repeat(MAX_INTERNED_LENGTH), 'y'.repeat(MAX_INTERNED_LENGTH + 1)];
  const buf = Buffer.from(words.join('\u0000'));
  let off = 0;
  for (const w of words) {
    const n = Buffer.byteLength(w);
    assert.equal(internUtf8(buf, off, off + n), w);
    assert.equal(internUtf8(buf, off, off + n), w);
    off += n + 1;
  }
  releaseInternBuffer();
});

test('a full arena starts over without wrong answers (more than 1 MiB of distinct strings)', () => {
  const n = 30_000;
  const strs = Array.from({ length: n }, (_, i) => `value-${i}-${'z'.repeat(40)}`);
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < n; i++) {
      const b = Buffer.from(strs[i]);
      assert.equal(internUtf8(b, 0, b.length), strs[i]);
    }
  }
  releaseInternBuffer();
});

test('ids: every answer is the hex (binary ids) or the text (JSON ids) of exactly the bytes asked for', () => {
  const { internHexId, internIdText } = require('../../out/src/otlp/intern.js');
  const { randomBytes } = require('node:crypto');
  // ids that share their last four bytes (the cache's slot) and differ anywhere else, both lengths
  for (const len of [8, 16]) {
    const tail = randomBytes(4);
    const ids = Array.from({ length: 200 }, (_, i) => {
      const b = Buffer.concat([randomBytes(len - 4), tail]);
      b[i % (len - 4)] ^= 1 << (i % 8);
      return b;
    });
    const big = Buffer.concat([Buffer.from([7]), ...ids]); // odd offsets: unaligned reads
    for (let round = 0; round < 2; round++) {
      ids.forEach((id, i) => assert.equal(internHexId(big, 1 + i * len, 1 + (i + 1) * len), id.toString('hex')));
    }
  }
  // the same bytes as a binary id and as text are different ids
  const b = Buffer.from('0123456789abcdef');
  assert.equal(internHexId(b, 0, 16), b.toString('hex'));
  assert.equal(internIdText(b, 0, 16), '0123456789abcdef');
  assert.equal(internHexId(b, 0, 16), b.toString('hex'));
  // text ids of 32 and 16 characters, with case kept (normalising is the JSON decoder's part)
  const t = Buffer.from('"4BF92F3577B34DA6A3CE929D0E0E4736" "4bf92f3577b34da6a3ce929d0e0e4736" "00f067aa0ba902b7"');
  assert.equal(internIdText(t, 1, 33), '4BF92F3577B34DA6A3CE929D0E0E4736');
  assert.equal(internIdText(t, 36, 68), '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(internIdText(t, 71, 87), '00f067aa0ba902b7');
  assert.equal(internIdText(t, 1, 33), '4BF92F3577B34DA6A3CE929D0E0E4736');
  // other lengths are answered as they are, uncached
  assert.equal(internHexId(t, 1, 1), '');
  assert.equal(internHexId(b, 0, 5), b.subarray(0, 5).toString('hex'));
  assert.equal(internIdText(t, 1, 9), '4BF92F35');
  releaseInternBuffer();
});
