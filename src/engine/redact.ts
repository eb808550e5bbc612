/**
 * Masks secret characters in text shown to people (code frames, snippets). Keeps at most the
 * first and last four characters of a range, as the issue demands, and fewer for short ranges
 * so that a short secret is never mostly visible. Line breaks survive so frames keep their shape.
 */
export function redactRanges(text: string, textStart: number, ranges: ReadonlyArray<{ start: number; end: number }>): string {
  if (ranges.length === 0) return text;
  const chars = text.split('');
  for (const range of ranges) {
    const length = range.end - range.start;
    if (length <= 0) continue;
    const keep = Math.min(4, Math.floor(length / 4));
    for (let offset = range.start + keep; offset < range.end - keep; offset++) {
      const index = offset - textStart;
      if (index < 0 || index >= chars.length) continue;
      if (chars[index] !== '\n' && chars[index] !== '\r') chars[index] = '*';
    }
  }
  return chars.join('');
}
