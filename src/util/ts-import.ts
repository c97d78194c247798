/**
 * What must happen before an experiment's TypeScript module is imported: nothing when the
 * process already runs TypeScript (tsx, vitest), registering tsx when the CLI runs compiled
 * (bin/experimaestro.mjs sets it), so that commands that import no user module never load it.
 */
let loader: (() => Promise<void>) | undefined;

/** Sets what prepareTypeScript runs (once) before the first user module is imported. */
export function setTypeScriptLoader(fn: () => Promise<void>): void {
  loader = fn;
}

/** Makes TypeScript modules importable (the first call does the work). */
export async function prepareTypeScript(): Promise<void> {
  const fn = loader;
  loader = undefined;
  if (fn) await fn();
}
