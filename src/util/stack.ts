/**
 * Stack traces as the project's sources number them. The compiled CLI imports an experiment's
 * modules bundled (src/load/user-modules.ts), which registers here how a bundle's frames map
 * back to the project's files and lines, read from the bundle's source map only when a stack is
 * read. (Node's own source map support, turned on for the whole process, costs ~4 KB a job at
 * 100,000 jobs.) Without a mapper (vitest, tsx), stacks are returned as they are.
 */
let mapper: ((stack: string) => string) | undefined;

/** Sets how stack traces are mapped (the bundler of experiment modules). */
export function setStackMapper(fn: (stack: string) => string): void {
  mapper = fn;
}

/** An error's stack (or a stack string), its frames in bundled modules mapped to their sources. */
export function sourceStack(stack: string): string {
  return mapper ? mapper(stack) : stack;
}
