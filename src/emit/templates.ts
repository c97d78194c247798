/**
 * Handlebars templates for shell, compiled once per process. `noEscape` because HTML escaping
 * corrupts `&&`, `<` and quotes; `strict` so a missing field is an error, not an empty string.
 * Templates only loop and print; view-models do all formatting and quoting. Only the built-in
 * `each` and `if` are allowed, without @data: Handlebars then compiles direct code (job scripts
 * render in about half the time, which counts at 100,000 jobs).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type Handlebars from "handlebars";

const dir = new URL("../../templates/", import.meta.url);
const cache = new Map<string, Handlebars.TemplateDelegate>();
/** Handlebars, loaded at the first render (a dry run renders nothing: it does not pay for it). */
let handlebars: typeof Handlebars | undefined;

/** Renders `templates/<name>.hbs` with a view-model. */
export function render(name: string, view: object): string {
  let t = cache.get(name);
  if (!t) {
    handlebars ??= createRequire(import.meta.url)("handlebars") as typeof Handlebars;
    t = handlebars.compile(readFileSync(new URL(`${name}.hbs`, dir), "utf8"), { noEscape: true, strict: true, knownHelpers: { each: true, if: true }, knownHelpersOnly: true, data: false });
    cache.set(name, t);
  }
  return t(view);
}
