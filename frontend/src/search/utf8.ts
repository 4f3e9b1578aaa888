// Go reports positions in a query as UTF-8 byte offsets; JavaScript strings
// index UTF-16 code units. 汉 is 3 bytes and 1 unit, é 2 bytes and 1 unit,
// 😀 4 bytes and 2 units.

const utf8Len = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

// byteToIndex turns a UTF-8 byte offset into s into a string index. An
// offset inside a character snaps to that character's start ('floor') or
// past its end ('ceil'); offsets outside s are clamped.
export function byteToIndex(s: string, byte: number, snap: 'floor' | 'ceil' = 'floor'): number {
  if (!(byte > 0)) return 0;
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    if (bytes === byte) return i;
    const cp = s.codePointAt(i)!;
    const n = utf8Len(cp); // a lone surrogate is U+FFFD in Go: 3 bytes, as here
    const units = cp > 0xffff ? 2 : 1;
    if (bytes + n > byte) return snap === 'floor' ? i : i + units;
    bytes += n;
    i += units;
  }
  return s.length;
}

// byteSpan turns a [start, end) byte span into string indices covering
// every character the span touches; end is never before start.
export function byteSpan(s: string, start: number, end: number): [number, number] {
  const a = byteToIndex(s, start, 'floor');
  const b = byteToIndex(s, Math.max(start, end), 'ceil');
  return [a, Math.max(a, b)];
}

// utf8Length is the byte length Go sees (used by tests and callers that
// build offsets).
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) n += utf8Len(ch.codePointAt(0)!);
  return n;
}
