/**
 * The least string greater than every string that starts with `prefix`: its
 * last code point below U+10FFFF raised by one (skipping the surrogate range),
 * the code points after it dropped. Undefined when every code point is
 * U+10FFFF: then nothing sorts after the strings that start with it.
 * ("ab" → "ac", "a\u{10FFFF}" → "b"; appending U+10FFFF instead, as this once
 * did, missed keys whose next character is U+10FFFF.)
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const codePoints = Array.from(prefix, (character) => character.codePointAt(0)!);
  while (codePoints.length > 0 && codePoints[codePoints.length - 1] === 0x10ffff) codePoints.pop();
  if (codePoints.length === 0) return undefined;
  const last = codePoints.pop()! + 1;
  codePoints.push(last === 0xd800 ? 0xe000 : last);
  return String.fromCodePoint(...codePoints);
}
