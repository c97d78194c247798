/**
 * The one quoting helper: every user value that reaches a shell goes through `shellQuote`.
 * The output is bash that reads back exactly the given word, stays on one line, holds no
 * control byte, and is shellcheck-clean:
 * - safe words stay bare (readable scripts);
 * - a word with a control character (a line break, CR, tab...), `$`, a backtick, a leading
 *   `~`, or a backslash before a quote or at its end, is written in ANSI-C quotes, `$'...'`,
 *   with `\n`, `\r`, `\xHH` escapes. So no value can add a line to a script (sbatch refuses
 *   a script with CR LF, "DOS line breaks"; a value line starting with `#OAR` would read as a
 *   directive), and shellcheck finds no quoted `$` (SC2016), quoted leading tilde (SC2088) or
 *   mistaken `\'` (SC1003);
 * - anything else is single-quoted, which leaves every byte literal, with embedded single
 *   quotes written as '\''.
 * Two things no quoting can carry: a NUL (a command's arguments are NUL-terminated strings)
 * and an unpaired UTF-16 surrogate (it has no UTF-8 encoding). `unquotable` names them, for
 * the stages to refuse such values with a located error before anything is written.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
const ANSI = /[\u0000-\u001f\u007f$`]|^~|\\$|\\'/;
const ESCAPED = /[\u0000-\u001f\u007f\\']/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\", "'": "\\'" };

function ansiEscape(c: string): string {
  return NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** Quotes one word for bash. The empty string becomes ''. */
export function shellQuote(word: string): string {
  if (word.length > 0 && SAFE.test(word)) return word;
  const bad = unquotable(word);
  if (bad !== undefined) throw new Error(`internal: ${bad.reason} reached shellQuote (the value should have been refused earlier)`);
  if (ANSI.test(word)) return `$'${word.replace(ESCAPED, ansiEscape)}'`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes every word and joins them with spaces: an argv as one shell command line. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}

const UNQUOTABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What in a value no script can carry: the offending character, where it is, and why. */
export interface Unquotable {
  /** 0-based index in the string. */
  index: number;
  char: string;
  reason: string;
}

/** The first NUL or unpaired surrogate of `value`, or undefined when bash can carry it intact. */
export function unquotable(value: string): Unquotable | undefined {
  const m = UNQUOTABLE.exec(value);
  if (!m) return undefined;
  const at = `at character ${m.index + 1}`;
  const reason = m[0] === "\u0000" ? `a NUL character (${at})` : `an unpaired UTF-16 surrogate (${at}; it has no UTF-8 encoding)`;
  return { index: m.index, char: m[0], reason };
}
