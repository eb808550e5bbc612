/** Escapes every character a RegExp source gives meaning to, so the text matches itself. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `text` names `name` on its own: not as a member (`x.name`) and not as part of a longer name. */
export function mentionsName(text: string, name: string): boolean {
  return new RegExp(`(?:^|[^\\w$.])${escapeRegExp(name)}\\b`).test(text);
}

/** `finalizeOrder`, `place-order`, `/orders/:id/finalize`, `APIKey` -> lowercase words. */
export function nameWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}
