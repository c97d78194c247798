/**
 * Reading experiment YAML files with positions, so every error can point at a line and column,
 * and applying `-c key.path=value` overrides.
 */
import { readFileSync } from "node:fs";
import { Document, LineCounter, parseDocument, isMap, type Node } from "yaml";
import type { z } from "zod";
import { Codes, XpmError, fail, type Diagnostic, type Where } from "../model/diagnostics.ts";
import { didYouMean } from "../util/text.ts";

/** A parsed YAML file that can locate paths inside it. */
export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  text: string;
}

/** An excerpt of the source line with a caret under the column (1-based). */
export function caretExcerpt(text: string, line: number, column: number): string {
  const src = text.split("\n")[line - 1] ?? "";
  return `${src}\n${" ".repeat(Math.max(0, column - 1))}^`;
}

/** Reads and parses a YAML file; syntax errors become diagnostics with line, column and a caret. */
export function readYaml(file: string, displayName = file): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return fail(Codes.YAML_NOT_FOUND, `cannot read the experiment file ${displayName}`, {
      where: { file: displayName },
      hint: "check the path (the .yaml suffix is optional)",
    });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new XpmError(
      doc.errors.map((e): Diagnostic => {
        const pos = lines.linePos(e.pos[0]);
        return {
          code: Codes.YAML_SYNTAX,
          message: `YAML syntax error: ${e.message.split("\n")[0]}`,
          where: { file: displayName, line: pos.line, column: pos.col },
          excerpt: caretExcerpt(text, pos.line, pos.col),
          hint: "fix the YAML syntax at this position (indentation, a missing ':' or an unclosed quote are common causes)",
        };
      }),
    );
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    fail(Codes.YAML_SHAPE, `${displayName} must be a mapping of keys to values`, {
      where: { file: displayName, line: 1, column: 1 },
      hint: "start the file with `id: my-experiment` and `file: experiment.ts`",
    });
  }
  return { file: displayName, doc, lines, text };
}

/** The position of a key path in the source (the deepest node that exists). */
export function locate(src: YamlSource, path: readonly (string | number)[]): Where {
  const where: Where = { file: src.file, path: path.length ? path.join(".") : "(root)" };
  for (let n = path.length; n >= 0; n--) {
    const node = src.doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node && typeof node === "object" && "range" in node && node.range) {
      const pos = src.lines.linePos(node.range[0]);
      return { ...where, line: pos.line, column: pos.col };
    }
  }
  return where;
}

/** Parses `key.path=value`; the value is read as a YAML scalar (so `1e-3` is a number). */
export function parseOverride(spec: string): { path: string[]; value: unknown } {
  const eq = spec.indexOf("=");
  if (eq <= 0) {
    fail(Codes.OVERRIDE_SYNTAX, `-c expects key.path=value, got '${spec}'`, { hint: "for example: -c learning.lr=1e-3" });
  }
  const path = spec.slice(0, eq).split(".");
  if (path.some((p) => p === "")) fail(Codes.OVERRIDE_SYNTAX, `-c: empty key segment in '${spec.slice(0, eq)}'`, { hint: "write keys as a.b.c" });
  const raw = spec.slice(eq + 1);
  const parsed = parseDocument(raw);
  const value = parsed.errors.length ? raw : parsed.toJS();
  return { path, value };
}

interface ZodDefLike {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
}

/** The keys a zod schema accepts at `path` (for did-you-mean on unknown keys at any depth). */
export function keysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let s: z.ZodType | undefined = schema;
  let i = 0;
  while (s) {
    const def: ZodDefLike = (s as unknown as { _zod: { def: ZodDefLike } })._zod.def;
    if (def.innerType) s = def.innerType;
    else if (def.in) s = def.in;
    else if (def.type === "object") {
      if (i === path.length) return Object.keys(def.shape ?? {});
      s = def.shape?.[String(path[i++])];
    } else if (def.type === "array" && i < path.length) {
      i++;
      s = def.element;
    } else return [];
  }
  return [];
}

/** A concrete fix for a zod issue, from its kind. */
function fixFor(issue: z.core.$ZodIssue, at: string, present: boolean): string {
  if (!present) return `add '${at}'`;
  const i = issue as z.core.$ZodIssue & { values?: unknown[]; minimum?: unknown; maximum?: unknown; inclusive?: boolean; expected?: string };
  switch (i.code) {
    case "invalid_value":
      return `use one of: ${(i.values ?? []).map((v) => String(v)).join(", ")}`;
    case "too_small":
      return `use a value ${i.inclusive ? "of at least" : "above"} ${String(i.minimum)}`;
    case "too_big":
      return `use a value ${i.inclusive ? "of at most" : "below"} ${String(i.maximum)}`;
    case "invalid_type":
      return `write ${/^[aeiou]/.test(String(i.expected)) ? "an" : "a"} ${i.expected} for '${at}'`;
    default:
      return `change the value of '${at}'`;
  }
}

/** Finds where a key path comes from, and its value there. */
export interface Locator {
  where(path: readonly (string | number)[]): Where;
  value(path: readonly (string | number)[]): unknown;
}

/** A locator over one YAML file. */
export function fileLocator(src: YamlSource): Locator {
  return { where: (path) => locate(src, path), value: (path) => src.doc.getIn(path) };
}

/** Turns zod issues into diagnostics located in the YAML source(s). */
export function zodDiagnostics(src: Locator, error: z.ZodError, schema: z.ZodType, code: string = Codes.CONFIG_INVALID): Diagnostic[] {
  return error.issues.flatMap((issue): Diagnostic[] => {
    const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
    if (issue.code === "unrecognized_keys") {
      const known = keysAt(schema, path);
      return issue.keys.map((key) => {
        const guess = didYouMean(key, known);
        return {
          code,
          message: `unknown key '${[...path, key].join(".")}'`,
          where: src.where([...path, key]),
          hint: guess ? `did you mean '${guess}'?` : `remove it (known keys here: ${known.join(", ") || "none"})`,
        };
      });
    }
    const at = path.length ? path.join(".") : "(root)";
    const value = src.value(path);
    const message = issue.message.replace(/^Invalid input: /, "");
    const got = value === undefined || issue.code === "custom" ? "" : ` (got ${JSON.stringify(value)})`;
    return [{ code, message: `'${at}': ${message}${got}`, where: src.where(path), hint: fixFor(issue, at, value !== undefined) }];
  });
}
