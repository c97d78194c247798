/**
 * Job filters, as in experimaestro's `experimaestro jobs list --filter EXPR`: what a Filter value
 * means, and `matches(filter, job)`. Parsing (chevrotain, loaded only when a filter is given) is
 * in filter-parse.ts: a bad filter is a Diagnostic with a stable code, its column and a caret
 * under the offending part.
 *
 *   @state = "DONE"                      state, by experimaestro's name or ours (table below)
 *   @name ~ ".*Train"                    regular expression on the task id
 *   lr = 0.1 and seed in [1, 2]          a tag, else a parameter, by name
 *   model.layers = 4                     a parameter of a sub-config
 *   not (model not in ["a"] or x = true)
 *
 * Meaning, following experimaestro (src/experimaestro/cli/filter.py) where it has one:
 * - Strings are in "..." or '...', on one line, with no escape for the quote itself; `\t`, `\n`,
 *   `\f`, `\r` stand for those characters and every other backslash is kept (pyparsing's
 *   QuotedString, which experimaestro uses). `and`, `or`, `not`, `in`, `true`, `false` are lower case.
 * - Values keep their type, and `=` is Python's `==` on the JSON value: the number 0.1 equals the
 *   param 0.1 (and 1 equals 1.0), the string "1" does not equal the number 1, nor "true" the
 *   boolean true. Tags are looked up first (experimaestro only has tags), then parameters as in
 *   params.json, dots walking into sub-configs and dicts. A name a job does not have equals
 *   nothing, so `x not in [...]` and `not x = ...` hold for it (as `None not in {...}` does).
 * - `~` is Python's `re.match`: anchored at the start, not at the end (`@name ~ "Train"` does not
 *   match `grid.Train`; `@name ~ ".*Train"` does). It applies to strings only; an empty string
 *   never matches. Python's `(?P<n>...)`, `(?P=n)`, `\A`, `\Z`, a leading `(?i)`/`(?m)`/`(?s)`
 *   and a `]` first in a class are translated; the rest is JavaScript's regular expressions.
 * - `@name` is the task id, compared without regard to case (ids are lower-cased for hashing and
 *   job folders, and experimaestro's @name is that folder's name).
 * - `and` and `or` cannot be mixed without parentheses: experimaestro reads `a or b and c` left
 *   to right, as `(a or b) and c`, where most languages read `a or (b and c)`; refusing it keeps
 *   a filter from meaning one thing here and another there. Parentheses and `not` are ours
 *   (experimaestro's `jobs` commands accept neither); so are numbers, true and false.
 *
 * State names, without regard to case (experimaestro's are upper case in its docs, lower case in
 * its code; ours are those of `status` and `dry-run`, `_` or `-` standing for a space):
 *
 *   experimaestro   our states
 *   DONE            done
 *   ERROR           failed (any reason), blocked (a dependency failed: experimaestro marks
 *                   those ERROR with reason DEPENDENCY)
 *   RUNNING         running
 *   SCHEDULED       queued, submitted (in the scheduler's hands, not yet running)
 *   READY           ready
 *   WAITING         waiting
 *   UNSCHEDULED     not submitted, not run, todo
 *   TRANSIENT       (none)
 *   -               elsewhere, foreign: only by these names
 *
 * Our names match only themselves: `@state = "failed"` leaves blocked jobs out, and
 * `failed:timeout` (as `dry-run` prints it) selects one failure reason. A state name that is
 * neither experimaestro's nor ours is an error rather than a filter that matches nothing.
 */
export type Literal = string | number | boolean;

/** A parsed filter: a tree of plain values (regular expressions compiled once). */
export type Filter =
  | { kind: "and"; items: Filter[] }
  | { kind: "or"; items: Filter[] }
  | { kind: "not"; item: Filter }
  /** `@state = / in`: our state words (or `failed:<reason>`) any of which the job's state must be. */
  | { kind: "state"; states: string[] }
  /** `@name = / in`: task ids, lower case. */
  | { kind: "name"; names: string[] }
  /** `name = / in` on a tag or a parameter. */
  | { kind: "value"; name: string; values: Literal[] }
  /** `~`: `variable` is `@state`, `@name` or a tag/param name. */
  | { kind: "regex"; variable: string; regex: RegExp };

/** What a filter is matched against: one job. */
export interface FilterSubject {
  /** One of our state words (see the table above); `failed:<reason>` is understood too. */
  state: string;
  /** For failed jobs: failed | timeout | cancelled | dependency. */
  reason?: string;
  /** The task id, e.g. `grid.Train`. */
  task: string;
  tags: Record<string, string | number | boolean>;
  /** The `params` member of the job's params.json (sub-configs are objects with `$type`, `$id`). */
  params: Record<string, unknown>;
}

/** Our state words. */
export const OUR_STATES = ["done", "failed", "running", "queued", "blocked", "submitted", "not submitted", "not run", "todo", "ready", "waiting", "elsewhere", "foreign"];
/** experimaestro's state names (lower case) and the states of ours they stand for. */
export const XPM_STATES: Record<string, string[]> = {
  done: ["done"],
  error: ["failed", "blocked"],
  running: ["running"],
  scheduled: ["queued", "submitted"],
  ready: ["ready"],
  waiting: ["waiting"],
  unscheduled: ["not submitted", "not run", "todo"],
  transient: [],
};
export const REASONS = ["failed", "timeout", "cancelled", "dependency"];
export const SPECIALS = ["@state", "@name"];

export const normalState = (s: string): string => s.trim().toLowerCase().replace(/[_-]/g, " ").replace(/\s+/g, " ");

const MISSING = Symbol("missing");

/** A tag, else a parameter (dots walk into sub-configs and dicts), else MISSING. */
function lookup(job: FilterSubject, name: string): unknown {
  if (Object.hasOwn(job.tags, name)) return job.tags[name];
  let v: unknown = job.params;
  for (const key of name.split(".")) {
    if (v === null || typeof v !== "object" || Array.isArray(v) || !Object.hasOwn(v, key)) return MISSING;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** The job's state word and, when failed, `failed:<reason>`. */
function stateKeys(job: FilterSubject): string[] {
  const [state, inlineReason] = normalState(job.state).split(/ ?: ?/) as [string, string | undefined];
  const reason = job.reason ?? inlineReason;
  return reason && state === "failed" ? [state, `failed:${reason.toLowerCase()}`] : [state];
}

function test(re: RegExp, s: unknown): boolean {
  if (typeof s !== "string" || s === "") return false;
  re.lastIndex = 0;
  return re.test(s);
}

/** Whether a job passes the filter. */
export function matches(filter: Filter, job: FilterSubject): boolean {
  switch (filter.kind) {
    case "and":
      return filter.items.every((f) => matches(f, job));
    case "or":
      return filter.items.some((f) => matches(f, job));
    case "not":
      return !matches(filter.item, job);
    case "state":
      return stateKeys(job).some((k) => filter.states.includes(k));
    case "name":
      return filter.names.includes(job.task.toLowerCase());
    case "value": {
      const v = lookup(job, filter.name);
      return filter.values.some((x) => x === v);
    }
    case "regex": {
      if (filter.variable === "@name") return test(filter.regex, job.task);
      if (filter.variable !== "@state") return test(filter.regex, lookup(job, filter.variable));
      const keys = stateKeys(job);
      const xpm = Object.keys(XPM_STATES).filter((x) => XPM_STATES[x]!.includes(keys[0]!));
      return [...keys, ...xpm].some((k) => test(filter.regex, k));
    }
  }
}
