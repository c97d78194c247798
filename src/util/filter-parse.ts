/**
 * Parsing job filters (`--filter EXPR`): the grammar's CST (grammars/filter.ts) turned into a
 * Filter value (its meaning is in filter.ts). Imported only where a filter string exists: the
 * grammar loads chevrotain, which `jobs list` without a filter does not need.
 */
import type { CstNode, IToken } from "chevrotain";
import { filterGrammar } from "../../grammars/filter.ts";
import { Codes, XpmError, type Diagnostic } from "../model/diagnostics.ts";
import { normalState, OUR_STATES, REASONS, SPECIALS, XPM_STATES, type Filter, type Literal } from "./filter.ts";
import { didYouMean } from "./text.ts";

/** A parse failure at an offset range of the filter. */
class FilterError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly start: number,
    readonly length: number,
    readonly hint: string,
  ) {
    super(message);
  }
}

const EXAMPLE = `filters look like: @state = "DONE" and model in ["bm25", "splade"]`;

function tokens(node: CstNode, name: string): IToken[] {
  return (node.children[name] as IToken[] | undefined) ?? [];
}
function nodes(node: CstNode, name: string): CstNode[] {
  return (node.children[name] as CstNode[] | undefined) ?? [];
}

/** A quoted string's text: quotes off, pyparsing's whitespace escapes converted, nothing else. */
function unquote(image: string): string {
  const ws: Record<string, string> = { t: "\t", n: "\n", f: "\f", r: "\r" };
  return image.slice(1, -1).replace(/\\([tnfr])/g, (_, c: string) => ws[c]!);
}

function literal(node: CstNode): { value: Literal; token: IToken } {
  const [s] = tokens(node, "StringLit");
  if (s) return { value: unquote(s.image), token: s };
  const [n] = tokens(node, "NumberLit");
  if (n) return { value: Number(n.image), token: n };
  const [t] = tokens(node, "True");
  if (t) return { value: true, token: t };
  return { value: false, token: tokens(node, "False")[0]! };
}

/** Our states a state name stands for; throws at the token when it is no state name. */
function stateWords(value: Literal, token: IToken): string[] {
  if (typeof value !== "string") {
    throw new FilterError(Codes.FILTER_VALUE, `@state takes a quoted state name, not ${token.image}`, token.startOffset, token.image.length, `write e.g. @state = "DONE"`);
  }
  const w = normalState(value);
  const xpm = XPM_STATES[w];
  if (xpm) return xpm;
  if (OUR_STATES.includes(w)) return [w];
  const failed = /^failed ?: ?(\w+)$/.exec(w);
  if (failed && REASONS.includes(failed[1]!)) return [`failed:${failed[1]}`];
  const known = [...Object.keys(XPM_STATES).map((s) => s.toUpperCase()), ...OUR_STATES, ...REASONS.map((r) => `failed:${r}`)];
  const near = didYouMean(value, known);
  throw new FilterError(
    Codes.FILTER_VALUE,
    `unknown state ${token.image}${near ? ` (did you mean "${near}"?)` : ""}`,
    token.startOffset,
    token.image.length,
    `states are experimaestro's ${Object.keys(XPM_STATES)
      .map((s) => s.toUpperCase())
      .join(", ")} or ours: ${OUR_STATES.join(", ")}, failed:<${REASONS.join("|")}>`,
  );
}

/**
 * A Python regular expression as a JavaScript one, for what differs in a way that would
 * otherwise pass silently or fail needlessly (see the header). Throws at the string's token.
 */
function pythonRegex(pattern: string, token: IToken, extraFlags: string): RegExp {
  const bad = (why: string): never => {
    throw new FilterError(Codes.FILTER_REGEX, `invalid regular expression ${token.image}: ${why}`, token.startOffset, token.image.length, "write a regular expression, e.g. @name ~ \".*Train\"");
  };
  let flags = extraFlags;
  let src = pattern;
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]!) {
      if ("ims".includes(f)) flags += flags.includes(f) ? "" : f;
      else if (!"au".includes(f)) bad(`the inline flag (?${f}) is not supported`);
    }
    src = src.slice(inline[0].length);
  }
  let out = "";
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\\") {
      const next = src[i + 1] ?? "";
      i++;
      if (!inClass && next === "A") out += "(?<![\\s\\S])";
      else if (!inClass && next === "Z") out += "(?![\\s\\S])";
      else out += c + next;
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
      if (src[i + 1] === "^") out += src[++i];
      if (src[i + 1] === "]") {
        out += "\\]";
        i++;
      }
    } else if (src.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
    } else if (src.startsWith("(?P=", i)) {
      const end = src.indexOf(")", i);
      if (end < 0) bad("(?P= is not closed");
      out += `\\k<${src.slice(i + 4, end)}>`;
      i = end;
    } else out += c;
  }
  try {
    return new RegExp(out, `${flags}y`);
  } catch (e) {
    return bad((e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, ""));
  }
}

function comparison(node: CstNode): Filter {
  const variable = nodes(node, "variable")[0]!;
  const [special] = tokens(variable, "Special");
  const nameToken = special ?? tokens(variable, "Name")[0]!;
  const name = nameToken.image;
  if (special && !SPECIALS.includes(name)) {
    const near = didYouMean(name, SPECIALS);
    throw new FilterError(Codes.FILTER_VALUE, `unknown variable ${name}${near ? ` (did you mean ${near}?)` : ""}`, special.startOffset, name.length, "the variables are @state and @name; tags and parameters go by their name, without @");
  }
  const [regex] = tokens(node, "StringLit");
  if (regex) return { kind: "regex", variable: name, regex: pythonRegex(unquote(regex.image), regex, special ? "i" : "") };
  const values = [...nodes(node, "value"), ...nodes(node, "list").flatMap((l) => nodes(l, "value"))].map(literal);
  let test: Filter;
  if (name === "@state") test = { kind: "state", states: [...new Set(values.flatMap((v) => stateWords(v.value, v.token)))] };
  else if (name === "@name") {
    const names = values.map(({ value, token }) => {
      if (typeof value === "string") return value.toLowerCase();
      throw new FilterError(Codes.FILTER_VALUE, `@name takes a quoted task id, not ${token.image}`, token.startOffset, token.image.length, `write e.g. @name = "mymodule.MyTask"`);
    });
    test = { kind: "name", names };
  } else test = { kind: "value", name, values: values.map((v) => v.value) };
  return tokens(node, "Not").length ? { kind: "not", item: test } : test;
}

function unary(node: CstNode): Filter {
  const [primary] = nodes(node, "primary");
  const [inner] = nodes(primary!, "expression");
  const f = inner ? expression(inner) : comparison(nodes(primary!, "comparison")[0]!);
  return tokens(node, "Not").length % 2 ? { kind: "not", item: f } : f;
}

function expression(node: CstNode): Filter {
  const items = nodes(node, "unary").map(unary);
  const ops = [...tokens(node, "And"), ...tokens(node, "Or")].sort((a, b) => a.startOffset - b.startOffset);
  if (ops.length === 0) return items[0]!;
  const first = ops[0]!;
  const other = ops.find((t) => t.image !== first.image);
  if (other) {
    throw new FilterError(
      Codes.FILTER_SYNTAX,
      `'${other.image}' after '${first.image}' without parentheses`,
      other.startOffset,
      other.image.length,
      "add parentheses to say which goes first: experimaestro reads 'a or b and c' left to right, as (a or b) and c, where most languages read a or (b and c)",
    );
  }
  return { kind: first.image === "and" ? "and" : "or", items };
}

type ParseError = { name: string; token: IToken; message: string; context: { ruleStack: string[] } };

const VALUE = "a value (a quoted string, a number, true or false)";

/** What the parser wanted, and a hint, in the user's words rather than chevrotain's. */
function expectation(err: ParseError, rule: string | undefined): [string, string] {
  const found = err.token.tokenType.name;
  const wanted = /Expecting (?:token of type )?--> (.*?) <--/.exec(err.message)?.[1];
  if (err.name === "NotAllInputParsedException") {
    return ["'and', 'or' or the end of the filter", found === "RParen" ? "this ')' closes no '('" : "join conditions with and / or"];
  }
  if (rule === "value" || (rule === "list" && err.name === "EarlyExitException")) {
    if (found === "Name") return [VALUE, `quote text: "${err.token.image}"`];
    if (found === "Equals") return [VALUE, "compare with a single '='"];
    if (found === "RBracket") return [VALUE, "a list holds at least one value"];
    return [VALUE, EXAMPLE];
  }
  if (rule === "comparison") {
    if (err.name === "NoViableAltException") return ["'=', '~', 'in' or 'not in'", `compare a name with a value: ${EXAMPLE.slice(EXAMPLE.indexOf(":") + 2)}`];
    if (wanted === "'in'") return ["'in' after 'not'", `write: name not in ["a", "b"]`];
    return ["a quoted regular expression", `write e.g. @name ~ ".*Train"`];
  }
  if (rule === "list") {
    if (wanted === "'['") return ["'[' and a list", `write: name in ["a", "b"]`];
    return ["',' or ']'", `a list looks like ["a", "b"] or [1, 2]`];
  }
  if (rule === "primary" && wanted === "')'") return ["'and', 'or' or ')'", "close each '(' with a ')'"];
  if (found === "StringLit" || found === "NumberLit") return ["a name, @state, @name, 'not' or '('", `the name comes first: name = ${err.token.image}`];
  return ["a name, @state, @name, 'not' or '('", EXAMPLE];
}

function syntaxError(text: string, err: ParseError): FilterError {
  const atEnd = err.token.tokenType.name === "EOF";
  const start = atEnd ? text.length : err.token.startOffset;
  const length = atEnd ? 1 : err.token.image.length;
  const found = atEnd ? "the end of the filter" : `'${err.token.image}'`;
  const [what, hint] = expectation(err, err.context.ruleStack[err.context.ruleStack.length - 1]);
  return new FilterError(Codes.FILTER_SYNTAX, `expected ${what}, found ${found}`, start, length, hint);
}

function lexError(text: string, offset: number): FilterError {
  const ch = text[offset] ?? "";
  if (ch === '"' || ch === "'") {
    const end = text.slice(offset).search(/[\n\r]|$/);
    return new FilterError(Codes.FILTER_SYNTAX, "this string is not closed", offset, end, `end it with ${ch} on the same line (a string cannot hold its own quote: use the other one)`);
  }
  const hints: Record<string, string> = {
    "!": `negate with not: not model = "x", or model not in ["x"]`,
    "&": "write and",
    "|": "write or",
    "@": "the variables are @state and @name",
  };
  return new FilterError(Codes.FILTER_SYNTAX, `unexpected character '${ch}'`, offset, 1, hints[ch] ?? "filters use names, quoted strings, numbers, = ~ ( ) [ ] , and the words and, or, not, in, true, false");
}

/** Where [start, start+length) is: "column C" (or "line L, column C"), and its line with a caret line under it. */
function located(text: string, start: number, length: number): { at: string; excerpt: string } {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const lineEnd = text.indexOf("\n", lineStart);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd).replace(/\r$/, "");
  const column = start - lineStart;
  const lineNo = lineStart ? `line ${text.slice(0, lineStart).split("\n").length}, ` : "";
  return { at: `${lineNo}column ${column + 1}`, excerpt: `${line}\n${" ".repeat(column)}${"^".repeat(Math.max(1, Math.min(length, line.length - column)))}` };
}

function toDiagnostic(text: string, e: FilterError): Diagnostic {
  const { at, excerpt } = located(text, e.start, e.length);
  return { code: e.code, message: `invalid filter at ${at}: ${e.message}`, excerpt, hint: e.hint };
}

/** Parses a filter expression; a mistake throws an XpmError holding one located Diagnostic. */
export function parseFilter(text: string): Filter {
  try {
    const { lexer: filterLexer, parser: filterParser } = filterGrammar();
    const lexed = filterLexer.tokenize(text);
    const bad = lexed.errors[0];
    if (bad) throw lexError(text, bad.offset);
    if (lexed.tokens.length === 0) throw new FilterError(Codes.FILTER_SYNTAX, "the filter is empty", 0, 1, EXAMPLE);
    filterParser.input = lexed.tokens;
    const cst = filterParser.filter();
    const err = filterParser.errors[0] as unknown as ParseError | undefined;
    if (err) throw syntaxError(text, err);
    return expression(nodes(cst, "expression")[0]!);
  } catch (e) {
    if (e instanceof FilterError) throw new XpmError(toDiagnostic(text, e));
    throw e;
  }
}
