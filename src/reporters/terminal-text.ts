/**
 * Text from scanned code or file names is untrusted: a file named `\x1b]52;...` or a string
 * literal holding ESC can rewrite the terminal (clear it, retitle it, set the clipboard) when
 * printed raw. Human-readable reporters pass such text through here, so control characters show
 * as escapes (`\x1b`, `\n`). JSON and SARIF keep the real text; their encoders escape it already.
 */
// C0 controls, DEL, C1 controls, line/paragraph separators and the bidi overrides that let
// text display in an order other than the one it is read in ("Trojan Source").
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_EXCEPT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(character: string): string {
  const named = NAMED[character];
  if (named) return named;
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** File names, messages, warnings: every control character escaped, tabs included. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** A line of source code shown in a frame: tabs are indentation and stay; the rest is escaped. */
export function escapeCodeLine(text: string): string {
  return text.replace(CONTROL_EXCEPT_TAB, escapeOne);
}

const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A CSV cell: tab, CR and LF are data a quoted field carries; the rest is escaped. */
export function escapeControlCharactersExceptLineBreaks(text: string): string {
  return text.replace(CONTROL_EXCEPT_LINE_BREAKS, escapeOne);
}
