/**
 * The only form in which a found secret may appear in a message: enough of both ends to let
 * its owner recognise it, never enough to use it. Longer values show more (at most 4 + 4), so a
 * short password never loses most of its characters to the mask.
 */
export function maskSecret(value: string): string {
  const characters = [...value.replace(/\s+/g, ' ').trim()];
  const length = characters.length;
  if (length <= 8) return `**** (${length} chars)`;
  const shownPerSide = Math.min(4, Math.floor(length / 6));
  const head = characters.slice(0, shownPerSide).join('');
  const tail = characters.slice(length - shownPerSide).join('');
  return `${head}****${tail}`;
}
