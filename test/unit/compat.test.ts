/**
 * The 108 compat.json cases computed by Python experimaestro 2.7.0b2 (paths, big ints, floats in
 * `any`, task names, instance positions, errors), rebuilt through the public API with the loader
 * of test/unit/vectors.ts. Each case gives its identifier, job path, output path and
 * dependencies, or the error experimaestro raises, mapped to our diagnostic code.
 *
 * Where we differ from experimaestro on purpose, and what this test does not check:
 * - errors come when the config is created (experimaestro: `struct.error` and
 *   `NotImplementedError` only when the identifier is computed);
 * - a bare path output passed to another task is a dependency here (design §2), where
 *   experimaestro records none (`read_export_10`); the identifier is experimaestro's;
 * - `expected_name` (the base name of the job's files) belongs to the workspace contract and is
 *   not checked here.
 */
import { describe, expect, it } from "vitest";
import { Codes, Helper, PathRef, XpmError, identifierHex, jobPath, type ConfigInstance, type TaskConfig } from "../../src/index.ts";
import { VectorLoader } from "./vectors.ts";

const loader = new VectorLoader("compat.json");
const vectors = loader.vectors;

/** The Python exception of a case, as our diagnostic code. */
const ERROR_CODES: Record<string, string> = {
  "struct.error": Codes.INT_RANGE, // an int beyond int64
  NotImplementedError: Codes.PATH_IN_CONTAINER, // a path inside a list or dict
  AttributeError: Codes.NULL_REQUIRED, // None in a required param
};

/** Cases whose dependencies differ from experimaestro's on purpose, with ours. */
const OUR_DEPENDENCIES: Record<string, () => string[]> = {
  // A path output makes a dependency (scheduling), though it changes no identifier.
  read_export_10: () => [jobPath((loader.results.get("export_rows_10") as PathRef).task)],
};

function creationError(fn: () => unknown): XpmError {
  try {
    fn();
  } catch (e) {
    if (e instanceof XpmError) return e;
    throw e;
  }
  throw new Error("expected an error, got none");
}

describe("compat.json: experimaestro 2.7.0b2 vectors (through the public API)", () => {
  const helper = new Helper("compat");

  it("has all 108 cases, each with an identifier, an output path or an error to check", () => {
    expect(vectors.cases).toHaveLength(108);
    for (const c of vectors.cases) expect([c.expected, c.expected_output_path, c.error].filter((x) => x !== undefined)).toHaveLength(1);
  });

  for (const c of vectors.cases) {
    it(c.name, () => {
      const anchors = new Map<string, ConfigInstance>();
      const build = () => loader.build(c.value, anchors, { partial: c.partial ?? false }) as ConfigInstance;
      if (c.error !== undefined) {
        const e = creationError(build);
        expect(e.diagnostics.map((d) => d.code)).toEqual([ERROR_CODES[c.error]]);
        return;
      }
      const value = build();
      let result: unknown = value;
      if (c.submit) {
        const initTasks = (c.init_tasks ?? []).map((v) => loader.build(v, anchors) as ConfigInstance);
        result = helper.submit(value as TaskConfig, { initTasks });
      }
      loader.results.set(c.name, result);
      if (c.expected !== undefined) expect(identifierHex(result as ConfigInstance)).toBe(c.expected);
      if (c.expected_job !== undefined) expect(jobPath(value)).toBe(c.expected_job);
      if (c.expected_output_path !== undefined) {
        expect(result).toBeInstanceOf(PathRef);
        const out = result as PathRef;
        expect(`${jobPath(out.task)}/${out.rel}`).toBe(c.expected_output_path);
      }
      if (c.expected_depends_on !== undefined) {
        const record = helper.tasks().find((t) => t.key === helper.keyOf(value))!;
        const expected = OUR_DEPENDENCIES[c.name]?.() ?? c.expected_depends_on;
        expect(record.deps.map((k) => `jobs/${k}`)).toEqual(expected);
      }
    });
  }

  it("submitting read_export_20 after read_export_10 is refused: same job, another table", () => {
    const value = loader.build({ $type: "ReadTable", table: { $ref: "export_rows_20" }, limit: 5 }, new Map()) as ConfigInstance;
    expect(identifierHex(value)).toBe(identifierHex(loader.results.get("read_export_10") as ConfigInstance));
    const e = creationError(() => helper.submit(value as TaskConfig));
    expect(e.diagnostics[0]!.code).toBe(Codes.JOB_COLLISION);
    expect(e.diagnostics[0]!.message).toContain("'table'");
  });
});
