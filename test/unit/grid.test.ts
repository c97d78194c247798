/** Grid values: lists, ranges (stop excluded) and geometric series, checked by the item schema. */
import { describe, expect, it } from "vitest";
import { expandRange, expandRangeMult, gridOf, z } from "../../src/index.ts";

describe("gridOf", () => {
  const lrs = gridOf(z.number());
  it("accepts one value, a list, a range and a range_mult", () => {
    expect(lrs.parse(0.1)).toEqual([0.1]);
    expect(lrs.parse([1, 2])).toEqual([1, 2]);
    expect(lrs.parse({ range: [0, 1, 0.25] })).toEqual([0, 0.25, 0.5, 0.75]);
    expect(lrs.parse({ range: [0.3, 0, -0.1] })).toEqual([0.3, 0.2, 0.1]);
    expect(lrs.parse({ range_mult: [1e-4, 4, 10] })).toEqual([1e-4, 1e-3, 1e-2, 0.1]);
  });
  it("checks items with the item schema", () => {
    expect(gridOf(z.int()).safeParse({ range: [0, 1, 0.5] }).success).toBe(false);
    expect(lrs.safeParse("fast").success).toBe(false);
    expect(lrs.safeParse({ range: [0, 1, 0] }).success).toBe(false);
    expect(lrs.safeParse({ range_mult: [1, -2, 10] }).success).toBe(false);
  });
  it("prints decimal steps cleanly", () => {
    expect(expandRange(0, 0.35, 0.1)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(expandRangeMult(3, 3, 0.1)).toEqual([3, 0.3, 0.03]);
  });
});
