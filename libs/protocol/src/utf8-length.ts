/**
 * The size of a string in UTF-8, as TextEncoder encodes it (a lone surrogate
 * as U+FFFD: 3 bytes), counted without encoding it: decode measures every
 * message it is given as text, and encoding only to count allocated a copy.
 */
export function utf8ByteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) {
      bytes += 1;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair: two units, four bytes.
      bytes += 2;
      i += 1;
    } else {
      // Three bytes, a lone surrogate's U+FFFD included.
      bytes += 2;
    }
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
