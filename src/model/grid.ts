/**
 * Grid values in YAML: a param given as one value, a list, `{range: [start, stop, step]}`
 * (stop excluded, like Python's range) or `{range_mult: [start, count, factor]}` (a geometric
 * series). `gridOf(schema)` accepts all of them and yields the list.
 */
import { z } from "zod";

/** Expands `range` / `range_mult` specs; rounding keeps 0.1 * 3 printing as 0.3. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

export function expandRange(start: number, stop: number, step: number): number[] {
  if (step === 0) throw new Error("range step cannot be 0");
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const v = clean(start + i * step);
    if (step > 0 ? v >= stop : v <= stop) break;
    out.push(v);
  }
  return out;
}

export function expandRangeMult(start: number, count: number, factor: number): number[] {
  return Array.from({ length: count }, (_, i) => clean(start * factor ** i));
}

const RangeSpec = z.object({ range: z.tuple([z.number(), z.number(), z.number().refine((s) => s !== 0, "the step cannot be 0")]) }).strict();
const RangeMultSpec = z.object({ range_mult: z.tuple([z.number(), z.int().positive(), z.number()]) }).strict();

/** A YAML grid of `item`: one value, a list, or a range; always a list after parsing. */
export function gridOf<T extends z.ZodType>(item: T): z.ZodType<z.output<T>[], unknown> {
  const list = z.array(item) as unknown as z.ZodType<unknown[], unknown[]>;
  return z.union([
    list,
    RangeSpec.transform((r): unknown[] => expandRange(...r.range)).pipe(list),
    RangeMultSpec.transform((r): unknown[] => expandRangeMult(...r.range_mult)).pipe(list),
    item.transform((v) => [v]),
  ]) as unknown as z.ZodType<z.output<T>[], unknown>;
}
