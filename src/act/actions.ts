/**
 * Running an action of a prepared experiment (model/actions.ts): check that the jobs it needs
 * are done, type its params' answers, and run its command from the workspace folder.
 */
import { spawn } from "node:child_process";
import { isAbsolute, resolve as resolvePath } from "node:path";
import type { ActionParam, ManifestAction } from "../model/actions.ts";
import type { Manifest } from "../model/manifest.ts";
import { markerState } from "../model/state.ts";
import { jobLabel } from "../model/workspace.ts";

/** The jobs an action needs that are not done, as `label (state)`. */
export function unmetNeeds(workspace: string, manifest: Manifest, action: ManifestAction): string[] {
  const byKey = new Map(manifest.jobs.map((j) => [j.key, j]));
  const out: string[] = [];
  for (const key of action.needs) {
    const j = byKey.get(key);
    if (!j) {
      out.push(`${key} (not in the manifest)`);
      continue;
    }
    const s = markerState(workspace, j);
    if (s?.state !== "done") out.push(`${jobLabel(j)} (${s ? s.state : "not done"})`);
  }
  return out;
}

/** An answer typed by its param: the value as a command word, or why it is refused. */
export function typedAnswer(p: ActionParam, raw: string, cwd: string): { value: string } | { error: string } {
  const text = raw.trim();
  let value: string;
  switch (p.type) {
    case "int":
      if (!/^[-+]?\d+$/.test(text)) return { error: `'${raw}' is not an integer` };
      value = String(BigInt(text));
      break;
    case "float":
      if (text === "" || !Number.isFinite(Number(text))) return { error: `'${raw}' is not a number` };
      value = String(Number(text));
      break;
    case "bool": {
      const b = text.toLowerCase();
      if (!["true", "false", "yes", "no", "y", "n", "1", "0"].includes(b)) return { error: `'${raw}' is not yes or no` };
      value = ["true", "yes", "y", "1"].includes(b) ? "true" : "false";
      break;
    }
    case "path":
      if (text === "") return { error: "an empty path" };
      value = isAbsolute(text) ? text : resolvePath(cwd, text);
      break;
    default:
      value = raw;
  }
  if (p.choices && !p.choices.map(String).includes(p.type === "path" ? text : value)) return { error: `'${raw}' is not one of ${p.choices.join(", ")}` };
  return { value };
}

/** The action's argv, its params replaced by their values. */
export function actionArgv(action: ManifestAction, values: Readonly<Record<string, string>>): string[] {
  return action.command.map((w) => (typeof w === "string" ? w : values[w.param]!));
}

/** Runs a command from the workspace folder, its output passed through; resolves to its exit status. */
export function runInWorkspace(workspace: string, experimentId: string, argv: readonly string[]): Promise<number> {
  return new Promise((resolveRun) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: workspace, stdio: "inherit", env: { ...process.env, XPM_WORKSPACE: workspace, XPM_EXPERIMENT: experimentId } });
    child.on("error", () => resolveRun(127));
    child.on("exit", (code, signal) => resolveRun(code ?? (signal ? 128 + 15 : 1)));
  });
}
