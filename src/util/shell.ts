/**
 * The one quoting helper: every user value that reaches a shell goes through `shellQuote`.
 * Safe words stay bare (readable scripts); anything else is single-quoted, which in bash leaves
 * every byte literal ($, `, \, ", newlines), with embedded single quotes written as '\''.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for bash. The empty string becomes ''. */
export function shellQuote(word: string): string {
  if (word.length > 0 && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes every word and joins them with spaces: an argv as one shell command line. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}
