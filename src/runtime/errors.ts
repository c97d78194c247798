/**
 * How a failure is written to `<name>.err`. Node (--enable-source-maps) maps stack frames back to
 * the bundled sources, which the bundle names relative to the project (`src/tasks.ts`,
 * `node_modules/zod/...`, `experimaestro-ts/src/...`) next to the bundle file: the frames are
 * shown with those names, without the runtime's own frames, and a last line names the first
 * frame in the project's code, so that the runner's summary (the tail of `.err`) shows it.
 */

/** Frames of the job runtime itself, or of Node: below the task's own frames, never the news. */
const NOISE = /^experimaestro-ts\/src\/runtime\/|^experimaestro-ts\/tasks-entry\.js|^node:/;
/** Frames that are not the project's own code. */
const LIBRARY = /^node_modules\/|^experimaestro-ts\/|^node:/;

interface Frame {
  line: string;
  /** `file:line:col` as shown (bundle-relative when it is a bundled source). */
  where: string | undefined;
}

/** A stack line's location, with the bundle's folder taken off. */
function frame(line: string, bundleDir: string): Frame {
  const prefixes = [`file://${bundleDir}/`, `${bundleDir}/`];
  let out = line;
  for (const p of prefixes) out = out.split(p).join("");
  const m = /^\s*at (?:.*\()?(.+?:\d+:\d+)\)?$/.exec(out);
  return { line: out, where: m?.[1] };
}

/** The stack of an error as written to `.err`, and the first frame in the project's code. */
export function describeError(e: unknown, bundleDir: string): { text: string; where: string | undefined; message: string } {
  if (!(e instanceof Error)) return { text: `a non-error value was thrown: ${String(e)}`, where: undefined, message: String(e) };
  const lines = (e.stack ?? `${e.name}: ${e.message}`).split("\n");
  const head: string[] = [];
  const frames: Frame[] = [];
  for (const l of lines) {
    if (frames.length === 0 && !/^\s+at /.test(l)) head.push(l);
    else frames.push(frame(l, bundleDir));
  }
  const kept = frames.filter((f) => !f.where || !NOISE.test(f.where));
  const where = kept.find((f) => f.where && !LIBRARY.test(f.where))?.where;
  let text = [...head, ...kept.map((f) => f.line)].join("\n");
  if (e.cause !== undefined) text += `\ncaused by: ${describeError(e.cause, bundleDir).text}`;
  return { text, where, message: e.message };
}
