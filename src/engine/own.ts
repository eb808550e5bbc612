/**
 * A value of a lookup table by a key the scanned code chose (a method, property, decorator or
 * package name): own entries only. `TABLE['constructor']` or `TABLE['toString']` on a plain object
 * literal finds Object.prototype's functions, which a caller would take for an entry.
 */
export function own<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
