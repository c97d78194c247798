/**
 * Meaning of requirement strings: walks the grammar's CST (grammars/requirements.ts) into typed
 * values, with experimaestro's semantics: `&` takes the maximum duration, cores and memory and
 * the union of accelerators; `|` lists alternatives tried in order. Errors are data with the
 * column, rendered with the string and a caret under the offending part.
 */
import type { CstNode, IToken } from "chevrotain";
import { requirementsGrammar } from "../../grammars/requirements.ts";
import { Codes, type Diagnostic } from "../model/diagnostics.ts";
import { DURATION_UNITS, SIZE_UNITS } from "../util/format.ts";

export type AcceleratorType = "gpu" | "cuda" | "mps";

/** One device asked for; `gpu` accepts any type, `cuda`/`mps` only their own. */
export interface Accelerator {
  type: AcceleratorType;
  /** Device memory in bytes, when asked. */
  memory: number | undefined;
}

/** One alternative: what a single host must offer. */
export interface HostRequirement {
  /** Seconds. */
  duration: number | undefined;
  cores: number;
  /** Bytes. */
  memory: number | undefined;
  /** One entry per device, sorted by memory, largest first. */
  accelerators: Accelerator[];
}

/** Alternatives, in the order they are tried. */
export type Requirement = HostRequirement[];

/** A failure carries the 0-based offset of the offending part, to locate it where the string was written. */
export type ParseResult = { ok: true; value: Requirement } | { ok: false; error: Diagnostic; start: number };

/** A parse failure at a column range of the spec. */
class SpecError extends Error {
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

function tokens(node: CstNode, name: string): IToken[] {
  return (node.children[name] as IToken[] | undefined) ?? [];
}
function nodes(node: CstNode, name: string): CstNode[] {
  return (node.children[name] as CstNode[] | undefined) ?? [];
}

function unitValue(table: Record<string, number>, number: IToken, unit: IToken, what: string): number {
  const factor = table[unit.image];
  if (factor === undefined) {
    throw new SpecError(Codes.REQ_UNIT, `unknown ${what} unit '${unit.image}'`, unit.startOffset, unit.image.length, `use one of ${Object.keys(table).join(", ")}`);
  }
  return Math.round(Number(number.image) * factor);
}

function positiveInt(token: IToken, what: string): number {
  const n = Number(token.image);
  if (!Number.isInteger(n) || n < 1) {
    throw new SpecError(Codes.REQ_VALUE, `${what} must be a whole number of at least 1, got ${token.image}`, token.startOffset, token.image.length, `write a positive integer`);
  }
  return n;
}

function size(node: CstNode): number {
  return unitValue(SIZE_UNITS, tokens(node, "NumberLit")[0]!, tokens(node, "Word")[0]!, "size");
}

function term(node: CstNode, into: HostRequirement): void {
  const [duration] = nodes(node, "duration");
  if (duration) {
    const seconds = unitValue(DURATION_UNITS, tokens(duration, "NumberLit")[0]!, tokens(duration, "Word")[0]!, "duration");
    into.duration = Math.max(into.duration ?? 0, seconds);
    return;
  }
  const [cpu] = nodes(node, "cpu");
  if (cpu) {
    for (const arg of nodes(cpu, "cpuArg")) {
      const [cores] = tokens(arg, "NumberLit");
      if (cores) into.cores = Math.max(into.cores, positiveInt(cores, "cores"));
      const [mem] = nodes(arg, "size");
      if (mem) into.memory = Math.max(into.memory ?? 0, size(mem));
    }
    return;
  }
  const acc = nodes(node, "accelerator")[0]!;
  const type = (["Gpu", "Cuda", "Mps"] as const).find((k) => tokens(acc, k).length)!.toLowerCase() as AcceleratorType;
  const [mem] = nodes(acc, "size");
  const [count] = tokens(acc, "NumberLit");
  const n = count ? positiveInt(count, "the number of devices after '*'") : 1;
  for (let i = 0; i < n; i++) into.accelerators.push({ type, memory: mem ? size(mem) : undefined });
}

function alternative(node: CstNode): HostRequirement {
  const host: HostRequirement = { duration: undefined, cores: 1, memory: undefined, accelerators: [] };
  for (const t of nodes(node, "term")) term(t, host);
  host.accelerators.sort((a, b) => (b.memory ?? 0) - (a.memory ?? 0));
  return host;
}

/** `spec` with a caret line under [start, start+length). */
export function underline(spec: string, start: number, length: number): string {
  return `${spec}\n${" ".repeat(start)}${"^".repeat(Math.max(1, length))}`;
}

function toDiagnostic(spec: string, e: SpecError): Diagnostic {
  return {
    code: e.code,
    message: `invalid requirement at column ${e.start + 1}: ${e.message}`,
    excerpt: underline(spec, e.start, e.length),
    hint: e.hint,
  };
}

type ParseError = { name: string; token: IToken; message: string; context: { ruleStack: string[] } };

/** What the parser wanted, in the user's words rather than chevrotain's. */
function expectedOf(err: ParseError, rule: string | undefined): string {
  if (err.name === "NotAllInputParsedException") return "'&', '|' or the end of the string";
  if (err.name === "NoViableAltException") {
    if (rule === "cpuArg") return "cores=N or mem=SIZE";
    if (rule === "accelerator") return "'gpu', 'cuda' or 'mps'";
    return "duration=N<unit>, cpu(...), gpu(...), cuda(...) or mps(...)";
  }
  const token = /Expecting (?:token of type )?--> (.*?) <--/.exec(err.message)?.[1];
  return token ?? "something else";
}

function syntaxError(spec: string, err: ParseError, previous: IToken | undefined): SpecError {
  const atEnd = err.token.tokenType.name === "EOF";
  const start = atEnd ? spec.length : err.token.startOffset;
  const length = atEnd ? 1 : err.token.image.length;
  const found = atEnd ? "the end of the string" : `'${err.token.image}'`;
  const rule = err.context.ruleStack[err.context.ruleStack.length - 1];
  if ((rule === "size" || rule === "duration") && previous?.tokenType.name === "NumberLit") {
    const units = rule === "size" ? "M, G, T (decimal) or MiB, GiB, TiB (binary)" : "s, m, h or d (sec, min, hours, days...)";
    return new SpecError(Codes.REQ_UNIT, `the number ${previous.image} needs a unit, found ${found}`, previous.startOffset, previous.image.length, `add a unit: ${units}`);
  }
  const what = `expected ${expectedOf(err, rule)}`;
  return new SpecError(Codes.REQ_SYNTAX, `${what}, found ${found}`, start, length, "requirements look like: duration=4h & cpu(cores=4, mem=16GiB) & gpu(mem=24GiB)*2 | duration=8h");
}

/** Parses a requirement string; never throws for bad input. */
export function parseRequirement(spec: string): ParseResult {
  try {
    const { lexer: requirementsLexer, parser: requirementsParser } = requirementsGrammar();
    const lexed = requirementsLexer.tokenize(spec);
    const lexError = lexed.errors[0];
    if (lexError) {
      const ch = spec[lexError.offset] ?? "";
      throw new SpecError(Codes.REQ_SYNTAX, `unexpected character '${ch}'`, lexError.offset, 1, "requirements use words, numbers, = ( ) , & | * only");
    }
    if (lexed.tokens.length === 0) throw new SpecError(Codes.REQ_SYNTAX, "the requirement is empty", 0, 1, "write e.g. cpu(cores=1), or leave requirements out");
    requirementsParser.input = lexed.tokens;
    const cst = requirementsParser.requirements();
    const err = requirementsParser.errors[0] as unknown as ParseError | undefined;
    if (err) {
      const idx = lexed.tokens.indexOf(err.token);
      const previous = idx > 0 ? lexed.tokens[idx - 1] : err.token.tokenType.name === "EOF" ? lexed.tokens[lexed.tokens.length - 1] : undefined;
      throw syntaxError(spec, err, previous);
    }
    return { ok: true, value: nodes(cst, "alternative").map(alternative) };
  } catch (e) {
    if (e instanceof SpecError) return { ok: false, error: toDiagnostic(spec, e), start: e.start };
    throw e;
  }
}

/** The same requirement with every duration multiplied (a retry with a longer limit). */
export function multiplyDuration(req: Requirement, factor: number): Requirement {
  return req.map((h) => ({ ...h, duration: h.duration === undefined ? undefined : Math.round(h.duration * factor) }));
}

/** The requirement of a job that declares none: one core, nothing else. */
export const DEFAULT_REQUIREMENT: Requirement = [{ duration: undefined, cores: 1, memory: undefined, accelerators: [] }];
