/**
 * Reads the project files and folders that commands use, so emit can ship them in the
 * workspace under `assets/<content digest>/<name>`: moved or copied workspaces keep working,
 * and two versions of a script never overwrite each other.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { Codes, fail } from "../model/diagnostics.ts";
import { TASKS_BUNDLE, type Evaluated, type LoadedAsset } from "../model/plan.ts";
import { assetPath } from "../model/workspace.ts";

/** Files of a folder, recursively, as sorted relative POSIX paths. */
function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) return e.name === "node_modules" ? [] : listFiles(join(dir, e.name), rel);
      return e.isFile() ? [rel] : [];
    });
}

function loadOne(source: string): LoadedAsset {
  const digest = createHash("sha256");
  const name = basename(source);
  if (!statSync(source).isDirectory()) {
    const content = readFileSync(source);
    return { rel: assetPath(digest.update(content).digest("hex"), name), content, files: [] };
  }
  const files = listFiles(source).map((rel) => ({ rel, content: readFileSync(join(source, rel)) }));
  for (const f of files) digest.update(`${f.rel}\0${f.content.length}\0`).update(f.content);
  return { rel: assetPath(digest.digest("hex"), name), content: undefined, files };
}

export function loadAssets(evaluated: Evaluated): Map<string, LoadedAsset> {
  const out = new Map<string, LoadedAsset>();
  for (const t of evaluated.tasks) {
    for (const word of [...t.command, ...t.initCommands.flat()]) {
      // The bundle of execute tasks is made, not read (bundle.ts).
      if (typeof word === "string" || !("asset" in word) || out.has(word.asset) || word.asset === TASKS_BUNDLE) continue;
      try {
        out.set(word.asset, loadOne(word.asset));
      } catch {
        return fail(Codes.ASSET_MISSING, `task ${t.taskId} uses ${word.asset}, which cannot be read`, {
          where: { file: word.asset },
          hint: "check the path given to asset(...) (use new URL('./file', import.meta.url))",
        });
      }
    }
  }
  return out;
}
