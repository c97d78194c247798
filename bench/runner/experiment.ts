// The runner benchmark: N trivial jobs as N/2 independent pairs (b_i depends on a_i).
import { Helper, defineConfig, defineTask, meta, param, pathGen, pathType, z } from "experimaestro-ts";

// What A returns: a config holding its output path (it carries A in its identifier: XPM306 otherwise).
export const Out = defineConfig("benchrun.Out", { path: meta(pathType()) });
export const A = defineTask("benchrun.A", { i: param(z.int()), out: pathGen("a.txt") }, { command: () => ["true"], outputs: (self) => Out.create({ path: self.values.out }) });
export const B = defineTask("benchrun.B", { a: param(Out) }, { command: () => ["true"] });

export const Configuration = z.object({ jobs: z.int().positive() });

export function run(helper: Helper, cfg: z.infer<typeof Configuration>) {
  for (let i = 0; i < cfg.jobs / 2; i++) helper.submit(B.create({ a: helper.submit(A.create({ i })) }));
}
