/** Reads an emitted manifest back (run and submit start from files, not from the user's code). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Codes, fail } from "../model/diagnostics.ts";
import { MANIFEST_SCHEMA, type Manifest } from "../emit/manifest.ts";
import { experimentDir } from "../emit/paths.ts";

export function readManifest(workspace: string, experimentId: string): Manifest {
  const file = join(workspace, experimentDir(experimentId), "manifest.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return fail(Codes.MANIFEST_INVALID, `no prepared experiment '${experimentId}' in ${workspace}`, {
      where: { file },
      hint: "run `experimaestro run-experiment <yaml> --run-mode prepare` first, or check the workspace path and experiment id",
    });
  }
  let doc: Manifest;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail(Codes.MANIFEST_INVALID, `${file} is not valid JSON: ${(e as Error).message}`, {
      where: { file },
      hint: "prepare the experiment again to rewrite it",
    });
  }
  if (doc.schema !== MANIFEST_SCHEMA) {
    fail(Codes.MANIFEST_INVALID, `${file} has schema '${String(doc.schema)}', this version reads '${MANIFEST_SCHEMA}'`, {
      where: { file },
      hint: "prepare the experiment again with this version of experimaestro-ts",
    });
  }
  return doc;
}
