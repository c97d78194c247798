/**
 * `experimaestro actions list <ws> <id>` and `actions run <ws> <id> [name] [--answer k=v]...`:
 * the actions of a prepared experiment (model/actions.ts). `run` refuses, naming them, while a
 * job the action needs is not done; its params come from `--answer`, a terminal, or defaults.
 */
import { resolve as resolvePath } from "node:path";
import { actionArgv, runInWorkspace, typedAnswer, unmetNeeds } from "../act/actions.ts";
import type { ManifestAction } from "../model/actions.ts";
import { Codes, fail } from "../model/diagnostics.ts";
import { readManifest, type Manifest } from "../model/manifest.ts";
import { displayPath } from "../util/text.ts";
import type { Parsed } from "./args.ts";
import { answerParams, answersOf, terminalPrompter } from "./prompt.ts";
import type { Out } from "./shared.ts";

/** `<sub> <ws> <id> [name]` of actions and services. */
export function target(p: Parsed, command: string, subs: readonly string[]): { sub: string; workspace: string; id: string; name: string | undefined } {
  const [sub, ws, id, name, ...extra] = p.positional;
  if (!sub || !subs.includes(sub) || !ws || !id || extra.length) fail(Codes.USAGE, `${command} takes ${subs.join("|")}, a workspace, an experiment id and optionally a name`, { hint: `experimaestro ${command} ${subs[0]} ./workspace my-experiment` });
  return { sub, workspace: resolvePath(ws), id, name };
}

/** The named entry, or the only one; an error listing the names otherwise. */
export function pick<T extends { name: string }>(kind: string, list: readonly T[], name: string | undefined, experimentId: string): T {
  const names = list.map((x) => x.name).join(", ");
  if (list.length === 0) fail(Codes.USAGE, `experiment ${experimentId} declares no ${kind}s`, { hint: `declare one with helper.add${kind === "action" ? "Action" : "Service"}(...) and prepare again` });
  if (name === undefined) {
    if (list.length === 1) return list[0]!;
    fail(Codes.USAGE, `experiment ${experimentId} has ${list.length} ${kind}s: name one`, { hint: names });
  }
  const found = list.find((x) => x.name === name);
  if (!found) fail(Codes.USAGE, `experiment ${experimentId} has no ${kind} '${name}'`, { hint: `its ${kind}s: ${names}` });
  return found;
}

function listActions(workspace: string, manifest: Manifest, out: Out): number {
  const actions = manifest.actions ?? [];
  if (!actions.length) out(`experiment ${manifest.experiment} declares no actions`);
  for (const a of actions) {
    const unmet = unmetNeeds(workspace, manifest, a);
    out(`${a.name}${a.description ? ` — ${a.description}` : ""}`);
    out(`  ${unmet.length ? `waits for ${unmet.length} of ${a.needs.length} jobs` : `ready (${a.needs.length} job${a.needs.length === 1 ? "" : "s"} done)`}`);
    for (const [name, p] of Object.entries(a.params)) out(`  --answer ${name}=<${p.type}>${p.default !== undefined ? ` (default ${String(p.default)})` : ""}${p.question ? `  ${p.question}` : ""}`);
  }
  return 0;
}

async function runAction(workspace: string, manifest: Manifest, action: ManifestAction, answers: Map<string, string>, out: Out): Promise<number> {
  const unmet = unmetNeeds(workspace, manifest, action);
  if (unmet.length) {
    fail(Codes.ACTION_NOT_READY, `action ${action.name} needs ${unmet.length} job${unmet.length === 1 ? "" : "s"} that ${unmet.length === 1 ? "is" : "are"} not done: ${unmet.slice(0, 10).join(", ")}${unmet.length > 10 ? `, and ${unmet.length - 10} more` : ""}`, {
      hint: `run the experiment first (\`experimaestro run ${displayPath(workspace)} ${manifest.experiment}\`), then the action`,
    });
  }
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const prompter = interactive && Object.keys(action.params).some((k) => !answers.has(k)) ? terminalPrompter() : undefined;
  const cwd = process.cwd();
  let values: Record<string, string>;
  try {
    values = await answerParams(action.name, action.params, answers, prompter, (p, raw) => typedAnswer(p, raw, cwd));
  } finally {
    prompter?.close();
  }
  out(`action ${action.name}: running from ${displayPath(workspace)}`);
  const code = await runInWorkspace(workspace, manifest.experiment, actionArgv(action, values));
  out(code === 0 ? `action ${action.name}: done` : `action ${action.name}: failed (exit ${code})`);
  return code === 0 ? 0 : 1;
}

export async function actionsCommand(p: Parsed, out: Out): Promise<number> {
  const t = target(p, "actions", ["list", "run"]);
  const manifest = readManifest(t.workspace, t.id);
  if (t.sub === "list") return listActions(t.workspace, manifest, out);
  const action = pick("action", manifest.actions ?? [], t.name, t.id);
  return runAction(t.workspace, manifest, action, answersOf(p.flags.get("--answer") ?? []), out);
}
