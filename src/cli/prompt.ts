/**
 * The small prompt API of actions: each param is answered by `--answer name=value`, else asked
 * on a terminal (the default shown, Enter takes it; a wrong answer is asked again), else its
 * default; with none of these the action does not run and the error says which `--answer` to give.
 */
import { createInterface } from "node:readline/promises";
import type { ActionParam } from "../model/actions.ts";
import { Codes, fail } from "../model/diagnostics.ts";

export interface Prompter {
  /** The raw answer to `name`, or undefined when this prompter has none. */
  ask(name: string, param: ActionParam, error?: string): Promise<string | undefined>;
  close(): void;
}

/** `--answer name=value` pairs (later wins); an answer without `=` is an error. */
export function answersOf(flat: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of flat) {
    const eq = a.indexOf("=");
    if (eq <= 0) fail(Codes.USAGE, `--answer ${a}: expected name=value`, { hint: "--answer dest=best-model.json" });
    out.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return out;
}

/** Questions on the terminal (stdin and stdout), one line each. */
export function terminalPrompter(): Prompter {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  return {
    async ask(name, p, error) {
      if (error) process.stdout.write(`  ${error}\n`);
      const def = p.default !== undefined ? ` [${String(p.default)}]` : "";
      const choices = p.choices ? ` (${p.choices.join("/")})` : "";
      const answer = (await rl.question(`${p.question ?? name}${choices}${def} `)).trim();
      return answer === "" ? (p.default !== undefined ? String(p.default) : undefined) : answer;
    },
    close: () => rl.close(),
  };
}

/**
 * The values of an action's params: `answers` first, then `prompter` (a terminal), then defaults.
 * `check` types a raw answer (act/actions.ts typedAnswer).
 */
export async function answerParams(
  action: string,
  params: Readonly<Record<string, ActionParam>>,
  answers: ReadonlyMap<string, string>,
  prompter: Prompter | undefined,
  check: (p: ActionParam, raw: string) => { value: string } | { error: string },
): Promise<Record<string, string>> {
  for (const name of answers.keys()) {
    if (!Object.hasOwn(params, name)) fail(Codes.ACTION_ANSWER, `--answer ${name}: action ${action} has no param '${name}'`, { hint: Object.keys(params).length ? `its params: ${Object.keys(params).join(", ")}` : "it takes no params" });
  }
  const values: Record<string, string> = {};
  for (const [name, p] of Object.entries(params)) {
    const given = answers.get(name);
    let raw = given ?? (prompter ? undefined : p.default !== undefined ? String(p.default) : undefined);
    let error: string | undefined;
    for (let tries = 0; ; tries++) {
      if (raw === undefined && prompter && given === undefined && tries < 5) raw = await prompter.ask(name, p, error);
      if (raw === undefined) fail(Codes.ACTION_ANSWER, `action ${action} needs a value for '${name}' (${p.type})${p.question ? `: ${p.question}` : ""}`, { hint: `give it with --answer ${name}=VALUE` });
      const typed = check(p, raw);
      if ("value" in typed) {
        values[name] = typed.value;
        break;
      }
      if (given !== undefined || !prompter || tries >= 4) fail(Codes.ACTION_ANSWER, `action ${action}, ${name}: ${typed.error}`, { hint: `a ${p.type}${p.choices ? ` among ${p.choices.join(", ")}` : ""}` });
      error = typed.error;
      raw = undefined;
    }
  }
  return values;
}
