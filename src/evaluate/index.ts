/**
 * evaluate: calls the experiment's `run(helper, cfg)` once and returns what it submitted.
 * An exception from the user's code becomes a diagnostic pointing at the user's file.
 */
import { fileFrames, frameWhere } from "../util/stack.ts";
import { relative } from "node:path";
import { Codes, XpmError, fail } from "../model/diagnostics.ts";
import type { LoadedExperiment } from "../model/experiment.ts";
import type { Evaluated } from "../model/plan.ts";
import { Helper } from "./helper.ts";

/** The first stack frame in the user's module, as `file:line:col`. */
function userFrame(err: Error, modulePath: string): string | undefined {
  const dir = modulePath.slice(0, modulePath.lastIndexOf("/"));
  const frame = fileFrames(err).find((f) => !f.file.includes("/node_modules/") && f.file.startsWith(dir));
  return frame && frameWhere(frame);
}

/** `params: false` skips the params.json texts (for a dry run, which writes nothing). */
export async function evaluate(loaded: LoadedExperiment, opts: { params?: boolean } = {}): Promise<Evaluated> {
  const helper = new Helper(loaded.id, opts.params ?? true);
  try {
    await loaded.run(helper, loaded.config);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const at = userFrame(err, loaded.modulePath);
    if (e instanceof XpmError) {
      // A model error raised by the user's code (e.g. a wrong param type): say where in that code.
      throw new XpmError(e.diagnostics.map((d) => (d.where?.file || !at ? d : { ...d, where: { ...d.where, file: at } })));
    }
    fail(Codes.RUN_FAILED, `the experiment's run() threw: ${err.message}`, {
      where: { file: at ?? relative(process.cwd(), loaded.modulePath) },
      hint: "fix the experiment code at this location",
    });
  }
  const { actions, services } = helper.extras;
  return {
    experimentId: loaded.id,
    tasks: helper.tasks(),
    executeModules: helper.executeModules(),
    ...(actions.length ? { actions } : {}),
    ...(services.length ? { services } : {}),
  };
}
