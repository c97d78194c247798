/**
 * Escapers for the three graph formats. Every string that reaches an output (task ids, keys, tag
 * values, details, titles) goes through exactly one of these, so a tag value such as
 * `"; rm -rf ~; "` or `<script>` is shown as text and never read as syntax.
 */

/**
 * Text made safe to show: characters that are not valid in XML 1.0 or that no renderer shows
 * (C0/C1 controls other than newline, lone surrogates, U+FFFE/U+FFFF) become U+FFFD; tabs and
 * carriage returns become a space. Newlines are kept: the renderers decide what a line is.
 */
export function cleanText(s: string): string {
  return s
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

/**
 * A DOT double-quoted string, quotes included. Inside one, DOT reads `\"` and, in labels,
 * escapes such as `\n`, `\l`, `\N`; Graphviz also decodes HTML entities (`&amp;`, `&#35;`). So
 * backslashes are doubled, quotes escaped, `&` written `&amp;`, and a newline becomes `\n`.
 */
export function dotString(s: string): string {
  const body = cleanText(s)
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/&/g, "&amp;")
    .replace(/\n/g, "\\n");
  return `"${body}"`;
}

/**
 * A DOT string for a `tooltip`: Graphviz unescapes tooltips twice (a `\\N` in one still becomes
 * the node name), so each backslash is written four times; the rest is as `dotString`.
 */
export function dotTooltip(s: string): string {
  const body = cleanText(s)
    .replace(/\\/g, "\\\\\\\\")
    .replace(/"/g, '\\"')
    .replace(/&/g, "&amp;")
    .replace(/\n/g, "\\n");
  return `"${body}"`;
}

/**
 * Text for a Mermaid quoted label (`id["..."]`). Mermaid's own entity syntax `#NNN;` (decimal
 * code point) is used for every character outside a small safe set, so quotes, brackets, `#`,
 * `;`, `%`, backticks, `<` and `>` can never end the label, start a comment or a markdown string,
 * or become HTML. Newlines become `<br/>`, the one piece of markup emitted on purpose.
 */
export function mermaidText(s: string): string {
  let out = "";
  for (const ch of cleanText(s)) {
    if (ch === "\n") out += "<br/>";
    else if (/^[A-Za-z0-9 .,:=_+\-/*×·…]$/.test(ch) || (ch.codePointAt(0)! > 0x7f && /^[\p{L}\p{N}]$/u.test(ch))) out += ch;
    else out += `#${ch.codePointAt(0)};`;
  }
  return out;
}

/** Text or attribute value for XML (and so SVG embedded in HTML). */
export function xmlText(s: string): string {
  return cleanText(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Text inside a Graphviz HTML-like label (which knows HTML 4 entities, not `&apos;`). */
export function htmlText(s: string): string {
  return cleanText(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/\n/g, " ");
}

/** An XML attribute value whose newlines must survive (attribute normalisation turns a raw one into a space). */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/\n/g, "&#10;");
}

/** An identifier made only of `[A-Za-z0-9_-]` (for ids and class names), never empty. */
export function safeIdent(s: string): string {
  const r = s.replace(/[^A-Za-z0-9_-]/g, "_");
  return r === "" ? "_" : r;
}
