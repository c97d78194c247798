/**
 * Stack traces as the project's sources number them. The compiled CLI imports an experiment's
 * modules bundled (src/load/user-modules.ts), which registers here how a bundle's frames map
 * back to the project's files and lines, read from the bundle's source map only when a stack is
 * read. (Node's own source map support, turned on for the whole process, costs ~4 KB a job at
 * 100,000 jobs.) Without a mapper (vitest, tsx), stacks are returned as they are.
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

let mapper: ((stack: string) => string) | undefined;

/** Sets how stack traces are mapped (the bundler of experiment modules). */
export function setStackMapper(fn: (stack: string) => string): void {
  mapper = fn;
}

/** An error's stack (or a stack string), its frames in bundled modules mapped to their sources. */
export function sourceStack(stack: string): string {
  return mapper ? mapper(stack) : stack;
}

/** A stack frame that names a file: its absolute path, and its line and column as printed. */
export interface FileFrame {
  file: string;
  line: string;
  column: string;
}

/** The frames of an error's stack that name a file (`at f (file:///a/b.ts:1:2)`, `at /a/b.js:1:2`), outermost last, mapped to their sources. */
export function fileFrames(err: Error): FileFrame[] {
  const frames: FileFrame[] = [];
  for (const line of sourceStack(err.stack ?? "").split("\n")) {
    const m = /\(?((?:file:\/\/)?\/[^()]+?):(\d+):(\d+)\)?$/.exec(line.trim());
    if (m) frames.push({ file: m[1]!.startsWith("file://") ? fileURLToPath(m[1]!) : m[1]!, line: m[2]!, column: m[3]! });
  }
  return frames;
}

/** `path:line:col`, the path relative to the working folder: how a diagnostic names where code is. */
export function frameWhere(f: FileFrame): string {
  return `${relative(process.cwd(), f.file)}:${f.line}:${f.column}`;
}
