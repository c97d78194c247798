/**
 * Errors are data: every user mistake becomes a Diagnostic with a stable code, collected by the
 * stage that found it and printed once by the CLI (no stack trace). Internal bugs stay exceptions.
 */

/** Where a problem is: a file, a YAML/param path, a line and column when known. */
export interface Where {
  file?: string;
  path?: string;
  line?: number;
  column?: number;
}

/** One user-facing problem. */
export interface Diagnostic {
  code: string;
  message: string;
  where?: Where;
  hint?: string;
  /** Extra lines printed verbatim under the message (e.g. a source excerpt with a caret). */
  excerpt?: string;
  /** Warnings are printed and the command goes on; errors stop it. */
  severity?: "error" | "warning";
}

/**
 * The catalog of stable codes. Tests assert on these; never renumber, only add.
 * Ranges: 1xx load (YAML, modules), 2xx model (configs, params), 3xx evaluate/plan,
 * 4xx resolve (requirements, launchers), 5xx emit/write, 6xx run/submit, 9xx CLI usage.
 */
export const Codes = {
  YAML_SYNTAX: "XPM101",
  YAML_NOT_FOUND: "XPM102",
  YAML_SHAPE: "XPM103",
  CONFIG_INVALID: "XPM104",
  MODULE_NOT_FOUND: "XPM110",
  MODULE_LOAD_FAILED: "XPM111",
  MODULE_NO_RUN: "XPM112",
  MODULE_NO_CONFIGURATION: "XPM113",
  OVERRIDE_SYNTAX: "XPM120",
  OVERRIDE_UNKNOWN: "XPM121",
  IMPORT_CYCLE: "XPM122",
  IMPORT_MISSING: "XPM123",
  SETTINGS_INVALID: "XPM130",
  WORKSPACE_UNKNOWN: "XPM131",
  NO_TRIGGER_MATCH: "XPM132",
  DIRTY_GIT: "XPM140",
  EXPERIMENT_LOCKED: "XPM141",
  GOLDEN_MISMATCH: "XPM150",
  DIFF_SOURCE: "XPM151",
  DIFF_EXPERIMENT: "XPM152",
  GOLDEN_MISSING: "XPM153",
  BUNDLE_FAILED: "XPM160",
  PARAM_TYPE: "XPM201",
  PARAM_MISSING: "XPM202",
  PARAM_UNKNOWN: "XPM203",
  DECLARATION: "XPM204",
  PATH_IN_CONTAINER: "XPM205",
  INT_RANGE: "XPM206",
  NULL_REQUIRED: "XPM207",
  RUN_FAILED: "XPM301",
  SUBMIT_NOT_TASK: "XPM302",
  DAG_CYCLE: "XPM303",
  COMMAND_VALUE: "XPM304",
  ASSET_MISSING: "XPM305",
  JOB_COLLISION: "XPM306",
  UNQUOTABLE: "XPM307",
  REQ_SYNTAX: "XPM401",
  REQ_UNIT: "XPM402",
  REQ_VALUE: "XPM403",
  LAUNCHERS_INVALID: "XPM410",
  NO_LAUNCHER: "XPM411",
  UNKNOWN_LAUNCHER: "XPM412",
  DISCOVERY_COMMAND_MISSING: "XPM420",
  DISCOVERY_COMMAND_FAILED: "XPM421",
  DISCOVERY_DUMP_INVALID: "XPM422",
  DISCOVERY_NOTHING: "XPM423",
  DISCOVERY_UNSUPPORTED: "XPM424",
  WRITE_FAILED: "XPM501",
  RECORD_UNWRITABLE: "XPM502",
  MANIFEST_INVALID: "XPM601",
  SCHEDULER_MISSING: "XPM602",
  JOB_TOO_LARGE: "XPM603",
  ACTION_NOT_READY: "XPM620",
  ACTION_ANSWER: "XPM621",
  SERVICE_FAILED: "XPM622",
  USAGE: "XPM901",
  FILTER_SYNTAX: "XPM910",
  FILTER_VALUE: "XPM911",
  FILTER_REGEX: "XPM912",
  JOB_UNKNOWN: "XPM920",
  JOB_AMBIGUOUS: "XPM921",
  LOG_MISSING: "XPM922",
  EXPERIMENT_UNKNOWN: "XPM923",
  NO_RESULTS: "XPM924",
  // Issue 15 (init tasks, assets, `experimaestro init`); numbered apart from the codes added alongside.
  LIGHTWEIGHT_NO_CODE: "XPM210",
  PATH_PROJECT_FILE: "XPM211",
  INIT_TASK_INVALID: "XPM310",
  SELF_DEPENDENCY: "XPM311",
  ASSET_MEMBER_MISSING: "XPM312",
  INIT_NOT_EMPTY: "XPM930",
} as const;

/** Thrown (and caught by the CLI) to carry one or more diagnostics out of a stage. */
export class XpmError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => `${d.code}: ${d.message}`).join("\n"));
    this.name = "XpmError";
    this.diagnostics = list;
  }
}

/** Shorthand to build and throw a single diagnostic. */
export function fail(code: string, message: string, extra: Omit<Diagnostic, "code" | "message"> = {}): never {
  throw new XpmError({ code, message, ...extra });
}

function formatWhere(where: Where): string {
  let s = where.file ?? "";
  if (where.line !== undefined) s += `:${where.line}${where.column !== undefined ? `:${where.column}` : ""}`;
  if (where.path !== undefined) s += `${s ? " " : ""}at ${where.path}`;
  return s;
}

/** Renders diagnostics the way the CLI prints them (one paragraph each). */
export function formatDiagnostics(list: readonly Diagnostic[]): string {
  return list
    .map((d) => {
      const lines = [`${d.severity ?? "error"} ${d.code}: ${d.message}`];
      if (d.where && (d.where.file || d.where.path)) lines.push(`  --> ${formatWhere(d.where)}`);
      if (d.excerpt) lines.push(...d.excerpt.split("\n").map((l) => `   | ${l}`));
      if (d.hint) lines.push(`  hint: ${d.hint}`);
      return lines.join("\n");
    })
    .join("\n\n");
}
