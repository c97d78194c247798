/**
 * Reads the project files and folders that commands use, so emit can ship them in the
 * workspace under `assets/<content digest>/<name>`: moved or copied workspaces keep working,
 * and two versions of a script never overwrite each other.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { Codes, fail } from "../model/diagnostics.ts";
import { TASKS_BUNDLE, type CommandWord, type Evaluated, type LoadedAsset } from "../model/plan.ts";
import { assetPath } from "../model/workspace.ts";
import { didYouMean, displayPath } from "../util/text.ts";

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

/** A member of a folder asset must be one of its files (checked here, not at run time by MODULE_NOT_FOUND). */
function checkMember(taskId: string, source: string, member: string, asset: LoadedAsset): void {
  if (asset.content === undefined && asset.files.some((f) => f.rel === member)) return;
  const folder = displayPath(source);
  if (asset.content !== undefined) {
    fail(Codes.ASSET_MEMBER_MISSING, `task ${taskId} uses the member '${member}' of ${folder}, which is a file, not a folder`, {
      where: { file: folder },
      hint: `use the file itself: asset(new URL("./${basename(source)}", import.meta.url)), without .file(...)`,
    });
  }
  const names = asset.files.map((f) => f.rel);
  const guess = didYouMean(member, names);
  fail(Codes.ASSET_MEMBER_MISSING, `task ${taskId} uses ${member} in the folder asset ${folder}/, which has no such file`, {
    where: { file: `${folder}/${member}` },
    hint: guess ? `did you mean '${guess}'?` : `the folder holds ${names.length ? names.slice(0, 8).join(", ") + (names.length > 8 ? ", ..." : "") : "no file"}; fix the name given to .file(...)`,
  });
}

export function loadAssets(evaluated: Evaluated): Map<string, LoadedAsset> {
  const out = new Map<string, LoadedAsset>();
  const extras = [...(evaluated.actions ?? []), ...(evaluated.services ?? [])].map((x) => ({ taskId: x.name, command: x.command.filter((w) => typeof w === "string" || !("param" in w)) as CommandWord[], initCommands: [] }));
  for (const t of [...evaluated.tasks, ...extras]) {
    for (const word of [...t.command, ...t.initCommands.flat()]) {
      // The bundle of execute tasks is made, not read (bundle.ts).
      if (typeof word === "string" || !("asset" in word) || word.asset === TASKS_BUNDLE) continue;
      let loaded = out.get(word.asset);
      if (!loaded) {
        try {
          loaded = loadOne(word.asset);
        } catch {
          return fail(Codes.ASSET_MISSING, `task ${t.taskId} uses ${word.asset}, which cannot be read`, {
            where: { file: word.asset },
            hint: "check the path given to asset(...) (use new URL('./file', import.meta.url))",
          });
        }
        out.set(word.asset, loaded);
      }
      if (word.member !== undefined) checkMember(t.taskId, word.asset, word.member, loaded);
    }
  }
  return out;
}
