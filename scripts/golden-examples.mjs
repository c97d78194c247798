// The golden trees: each example prepared with a launchers folder (undefined: this machine, local).
// Used by scripts/update-golden.mjs (npm run golden) and test/e2e/golden.test.ts.
export const GOLDEN_EXAMPLES = [
  { name: "grid", yaml: "examples/grid/normal", launchers: undefined },
  { name: "grid-slurm", yaml: "examples/grid/normal", launchers: "examples/grid/launchers/slurm" },
  { name: "grid-slurm-limits", yaml: "examples/grid/normal", launchers: "examples/grid/launchers/slurm-limits" },
  { name: "grid-oar", yaml: "examples/grid/normal", launchers: "examples/grid/launchers/oar" },
];
