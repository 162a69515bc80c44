import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ByteLength } from '../src/utf8-length.js';

const encoder = new TextEncoder();

describe('utf8ByteLength', () => {
  it('counts what TextEncoder encodes, lone surrogates as U+FFFD', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', '\ud800', 'a\udc00b', '\ud800\ud800', 'x\ud83d', '\udc00\ud800', '\u07ff\u0800\uffff']) {
      expect(utf8ByteLength(text)).toBe(encoder.encode(text).byteLength);
    }
  });

  it('agrees with TextEncoder on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(utf8ByteLength(text)).toBe(encoder.encode(text).byteLength);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)) }), (text) => {
        expect(utf8ByteLength(text)).toBe(encoder.encode(text).byteLength);
      }),
    );
  });
});
