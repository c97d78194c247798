/**
 * The 61 reference identifiers computed by Python experimaestro, rebuilt through the public API:
 * a small loader declares each type the way a user would (defineConfig / defineTask with zod
 * types) and creates each case's values, then compares identifiers and job paths.
 */
import { describe, expect, it } from "vitest";
import { Helper, identifierHex, jobPath, type ConfigInstance, type TaskConfig } from "../../src/index.ts";
import { paramsJson } from "../../src/evaluate/params-json.ts";
import { paramsDocument, paramsText } from "./params-reference.ts";
import { VectorLoader } from "./vectors.ts";

const loader = new VectorLoader("identifiers.json");
const vectors = loader.vectors;

describe("experimaestro identifier vectors (through the public API)", () => {
  const helper = new Helper("vectors");
  const withExpectations = vectors.cases.filter((c) => c.expected !== undefined);

  it("has all 61 cases with an expected identifier", () => {
    expect(withExpectations).toHaveLength(61);
  });

  for (const c of vectors.cases) {
    it(c.name, () => {
      const anchors = new Map<string, ConfigInstance>();
      const value = loader.build(c.value, anchors) as ConfigInstance;
      let result: unknown = value;
      if (c.submit) {
        const initTasks = (c.init_tasks ?? []).map((v) => loader.build(v, anchors) as ConfigInstance);
        result = helper.submit(value as TaskConfig, { initTasks });
      }
      loader.results.set(c.name, result);
      if (c.expected !== undefined) expect(identifierHex(result as ConfigInstance)).toBe(c.expected);
      if (c.expected_job !== undefined) expect(jobPath(value)).toBe(c.expected_job);
    });
  }
});

describe("params.json of every vector", () => {
  // The direct printer (used for every job) against the plain document printed by JSON.stringify.
  const keyOf = (t: ConfigInstance) => (t.type.kind === "task" ? `${t.type.id.toLowerCase()}/${identifierHex(t)}` : undefined);
  for (const c of vectors.cases) {
    it(c.name, () => {
      const anchors = new Map<string, ConfigInstance>();
      const value = loader.build(c.value, anchors) as ConfigInstance;
      const reference = paramsText(paramsDocument(value, keyOf, "jobs/some.task/0123"));
      expect(paramsJson(value, keyOf, "jobs/some.task/0123")).toBe(reference);
    });
  }
});
