/**
 * What compiles a string as a regular expression, as data: rules/regex-injection.ts reports
 * request data that reaches one of these unescaped. The escapers that make a string match itself
 * literally are sanitizers of category `regex` (models/sanitizers.ts REGEX_ESCAPERS).
 */

/** The global constructor: `new RegExp(pattern, flags)` and `RegExp(pattern)`. */
export const PATTERN_CONSTRUCTOR = 'RegExp';

/**
 * String methods that compile a string argument with `new RegExp(argument)` (`replace`/`split` take
 * a string literally), and what their receiver must be shown to be: `search` is also the method
 * of every search client (`index.search(q)`, `client.search({ query })`), so it counts only on a
 * value written as text; `match`/`matchAll` on anything but an object argument.
 */
export const STRING_PATTERN_METHODS: Readonly<Record<string, 'any' | 'text'>> = { match: 'any', matchAll: 'any', search: 'text' };

/** The MongoDB query operator whose operand the server compiles as a regular expression. */
export const PATTERN_OPERATOR = '$regex';
