/**
 * View-models of the experiment drivers: run-local.sh, status.sh, and one submit driver per
 * scheduler backend present in the plan (submit-slurm.sh, submit-oar.sh, ...). Every scheduler
 * driver comes from one template (templates/submit.sh.hbs), and what it and status.sh know of a
 * scheduler comes from its declaration (model/backend.ts), rendered once by
 * templates/scheduler-lib.sh.hbs: nothing here or there depends on which scheduler it is.
 */
import { END_REASONS, UNEXPLAINED, idWords, type Backend, type Backends, type IdList, type Scheduler, type StateQuery, type StateTable } from "../model/backend.ts";
import type { ResolvedJob, ResolvedPlan } from "../model/plan.ts";
import { EXPERIMENT_FILES, experimentDir, experimentFile, jobLabel } from "../model/workspace.ts";
import { shellJoin, shellQuote } from "../util/shell.ts";
import { leastOption, type ArrayGroup } from "./arrays.ts";
import { render } from "./templates.ts";

/** Driver file name -> how to make its content, for `experiments/<id>/` (made only if needed). */
export function drivers(plan: ResolvedPlan, backends: Backends, groups: readonly ArrayGroup[]): Map<string, () => string> {
  const out = new Map<string, () => string>();
  const schedulers = backends.schedulers().filter((b) => plan.jobs.some((j) => j.resources.backend === b.key));
  out.set("run-local.sh", () =>
    render("run-local.sh", { experimentId: plan.experimentId, total: plan.jobs.length, jobs: plan.jobs.map((j) => ({ dir: shellQuote(j.jobPath), name: shellQuote(j.name) })) }),
  );
  out.set("status.sh", () => statusScript(plan, backends, schedulers, groups));
  for (const backend of schedulers) {
    const mine = groups.filter((g) => g.backend === backend.key);
    out.set(backend.scheduler!.driver, () => schedulerDriver(plan, backend, mine));
    for (const g of mine) {
      if (g.jobs.length < 2) continue;
      out.set(`arrays/${g.name}.list`, () => g.jobs.map((j) => `${j.jobPath}\n`).join(""));
      out.set(`arrays/${g.name}.sh`, () => arrayScript(plan, backend, g));
    }
  }
  return out;
}

/** The array script of a group: the first job's header, the list, the job's own script run in its folder. */
function arrayScript(plan: ResolvedPlan, backend: Backend, g: ArrayGroup): string {
  const a = backend.scheduler!.arrays!;
  const first = g.jobs[0]!;
  const depth = `${experimentDir(plan.experimentId)}/arrays`.split("/").length;
  return render("array.sh", {
    directives: backend.directives(first),
    count: g.jobs.length,
    taskId: g.task,
    launcher: g.launcher,
    scheduler: backend.scheduler!.name,
    list: shellQuote(`./${g.name}.list`),
    indexVariable: a.indexVariable,
    indexCheck: `\${${a.indexVariable}:-}`,
    toWorkspace: "../".repeat(depth),
    name: shellQuote(first.name),
  });
}

/** The driver's lines of the array groups: `xpm_group` (name, throttle, correlated groups), `xpm_members`. */
function groupLines(groups: readonly ArrayGroup[], indexOf: ReadonlyMap<string, number>): string[] {
  const position = new Map(groups.map((g, k) => [g.index, k]));
  return groups.flatMap((g, k) => [
    `xpm_group ${shellJoin([String(k), g.name, g.throttle === undefined ? "" : String(g.throttle), ...g.correlated.map((c) => String(position.get(c)))])}`,
    `xpm_members ${k} ${g.jobs.map((j) => indexOf.get(j.key)).join(" ")}`,
  ]);
}

/** The driver's view of a scheduler's arrays and site limits (empty words when it has none). */
function arrayView(plan: ResolvedPlan, backend: Backend) {
  const s = backend.scheduler!;
  const a = s.arrays;
  const l = s.limits;
  const d = a?.dependency;
  return {
    arrays: a ? 1 : 0,
    arrayWords: (a?.words ?? []).map((w) => placeWord(w, { "{indices}": "$1", "{throttle}": "$2" })).join(" "),
    throttleForm: shellQuote(a?.throttle ?? ""),
    elementForm: placeWord(a?.element ?? "", { "{array}": "${1}", "{index}": "${2}" }),
    dependencyForm: arrayWords(d ? [d.prefix, d.all, d.correlated, d.ended, d.idJoin, d.kindJoin] : ["", "", "", "", "", ""]),
    arrayJobWords: (a?.job ?? []).map(jobWord).join(" "),
    maxArray: `\${XPM_MAX_ARRAY_SIZE:-${leastOption(plan, backend.key, "max_array_size") ?? a?.maxSize ?? 1}}`,
    maxSubmit: `\${XPM_MAX_SUBMIT:-${leastOption(plan, backend.key, "max_submit") ?? 0}}`,
    submitRate: String(leastOption(plan, backend.key, "submit_rate") ?? 0),
    queuedCommand: arrayWords(l?.queued ?? []),
    continueWords: (l?.continuation ?? []).map(jobWord).join(" "),
    delayWords: (l?.delay ?? []).map((w) => placeWord(w, { "{seconds}": "$1" })).join(" "),
  };
}

const label = (j: ResolvedJob) => jobLabel({ task: j.taskId, hash: j.hash });

/** status.sh: every job, with its scheduler's key ("-" for none) and its parents. */
function statusScript(plan: ResolvedPlan, backends: Backends, schedulers: readonly Backend[], groups: readonly ArrayGroup[]): string {
  const indexOf = new Map(plan.jobs.map((j) => [j.key, j.index]));
  const jobs = plan.jobs.map((j) => {
    const key = backends.of(j.resources.backend).scheduler ? j.resources.backend : "-";
    return `xpm_job ${shellJoin([String(j.index), j.jobPath, j.name, label(j), key, ...j.deps.map((d) => String(indexOf.get(d)))])}`;
  });
  const arrays = groups.filter((g) => g.jobs.length > 1).map((g) => `xpm_array ${shellJoin([g.name, ...g.jobs.map((j) => String(j.index))])}`);
  return render("status.sh", { experimentId: plan.experimentId, library: library(schedulers), schedulers: schedulers.map((b) => b.key).join(" "), jobs, arrays });
}

/** submit-<scheduler>.sh: the jobs of one scheduler, and the jobs elsewhere they wait for. */
function schedulerDriver(plan: ResolvedPlan, backend: Backend, groups: readonly ArrayGroup[]): string {
  const s = backend.scheduler!;
  const indexOf = new Map(plan.jobs.map((j) => [j.key, j.index]));
  const mine = plan.jobs.filter((j) => j.resources.backend === backend.key);
  const parentsOfMine = new Set(mine.flatMap((j) => j.deps));
  const resources = resourceClasses();
  const jobs: string[] = [];
  for (const j of plan.jobs) {
    const where = [String(j.index), j.jobPath, j.name, label(j)];
    if (j.resources.backend === backend.key) {
      jobs.push(`xpm_job ${shellJoin([...where, String(resources(j)), ...j.deps.map((d) => String(indexOf.get(d)))])}`);
      if (j.resumable !== undefined && s.continuation) jobs.push(`xpm_resumable ${j.index}`);
    } else if (parentsOfMine.has(j.key)) jobs.push(`xpm_elsewhere ${shellJoin(where)}`);
  }
  const example = idWords(s.dependency, ["1", "2"]).join(" ");
  return render("submit.sh", {
    experimentId: plan.experimentId,
    key: backend.key,
    name: s.name,
    submitName: s.submit.command[0],
    submitCommand: arrayWords(s.submit.command),
    dependencyExample: `\`${example}\``,
    library: library([backend]),
    dependencyIds: idListWords(s.dependency),
    jobId: shellQuote(s.jobId),
    testCommand: arrayWords(s.test ?? []),
    findCommand: arrayWords(s.find?.command ?? []),
    findLine: shellQuote(s.find?.line ?? ""),
    lockFile: shellQuote(experimentFile(plan.experimentId, EXPERIMENT_FILES.submitLock)),
    jobWords: submitJobWords(s),
    ...arrayView(plan, backend),
    experimentDir: shellQuote(experimentDir(plan.experimentId)),
    driver: shellQuote(s.driver),
    total: mine.length,
    jobs,
    groups: groupLines(groups, indexOf),
  });
}

/**
 * Numbers jobs by the resources they ask for (their environment aside). Jobs with the same get
 * the same header but for their names, and so the same answer from the scheduler's check: the
 * driver checks one script of each. Jobs of a grid share resource objects: each is read once.
 */
function resourceClasses(): (j: ResolvedJob) => number {
  const byText = new Map<string, number>();
  const byObject = new Map<object, number>();
  return (j) => {
    let n = byObject.get(j.resources);
    if (n === undefined) {
      const { env: _env, ...rest } = j.resources;
      const text = JSON.stringify(rest);
      n = byText.get(text) ?? byText.size;
      byText.set(text, n);
      byObject.set(j.resources, n);
    }
    return n;
  };
}

/** The scheduler part shared by the drivers and status.sh: each scheduler's query and state table. */
function library(schedulers: readonly Backend[]): string {
  return render("scheduler-lib.sh", {
    unexplained: UNEXPLAINED.join(" "),
    endReasons: END_REASONS.join(" "),
    schedulers: schedulers.map((b) => {
      const s = b.scheduler!;
      return {
        key: b.key,
        name: s.name,
        manual: s.manual,
        idExtension: s.idExtension,
        transient: shellQuote(s.transient),
        cancel: arrayWords(s.cancel.command),
        cancelIds: idListWords(s.cancel.ids),
        status: queryView(s.status),
        accounting: s.accounting ? queryView(s.accounting) : null,
        events: s.accounting?.states ? { manual: s.accounting.manual, states: tableView(b.key, s.accounting.states) } : null,
        states: tableView(b.key, s.states),
        blocking: s.blockedReasons.map((r) => shellQuote(`${b.key}:${r}`)),
        elementPattern: s.arrays ? shellQuote(s.arrays.elementPattern) : null,
      };
    }),
  }).trimEnd();
}

/** A state table as bash entries `key:WORD`, with their categories and meanings. */
function tableView(key: string, table: StateTable) {
  return Object.entries(table).map(([raw, [category, meaning]]) => ({ key: shellQuote(`${key}:${raw}`), category, meaning }));
}

function queryView(q: StateQuery) {
  const g = q.groups;
  return {
    command: arrayWords(q.command),
    ids: idListWords(q.ids),
    batch: q.batch,
    line: shellQuote(q.line),
    groups: `${g.id} ${g.state} ${g.reason} ${g.name}`,
    noReason: shellQuote(` ${q.noReason.join(" ")} `),
    unknownIds: shellQuote(q.unknownIds ?? ""),
    rank: shellQuote(q.states ? ` ${Object.keys(q.states).join(" ")} ` : ""),
  };
}

/** Words of a bash array: quoted by the one helper, and commas too (shellcheck reads `(a,b)` as a mistake). */
function arrayWords(words: readonly string[]): string {
  return words.map((w) => (w.includes(",") ? `'${w.replace(/'/g, `'\\''`)}'` : shellQuote(w))).join(" ");
}

/** An id list as the three words the driver's xpm_idwords takes: flag, prefix, separator. */
function idListWords(l: IdList): string {
  return arrayWords([l.flag ?? "", l.prefix ?? "", l.join ?? ""]);
}

/** Placeholders of a declared job word, as bash in xpm_job_words ($1 the job directory, $2 its name). */
const PLACEHOLDERS: Record<string, string> = { "{dir}": "$1", "{dir%}": "${1//%/%%}", "{name}": "$2", "{script}": "./$2.sh" };

/** The declared job words of a scheduler as bash words ($1 the job directory, $2 its name). */
export function submitJobWords(s: Scheduler): string {
  return s.submit.job.map(jobWord).join(" ");
}

/** One declared job word as a double-quoted bash word. */
function jobWord(word: string): string {
  return placeWord(word, PLACEHOLDERS);
}

/** A declared word as a double-quoted bash word, its placeholders replaced by bash expansions. */
function placeWord(word: string, places: Record<string, string>): string {
  const keys = Object.keys(places).map((k) => k.replace(/[{}%]/g, (c) => `\\${c}`));
  const parts = keys.length ? word.split(new RegExp(`(${keys.join("|")})`)) : [word];
  return `"${parts.map((p) => places[p] ?? p.replace(/[\\"$`]/g, (c) => `\\${c}`)).join("")}"`;
}
