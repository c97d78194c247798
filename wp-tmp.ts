import { load, compileLoaded } from "./src/compile.ts";
import { writeFiles, writeFilesInParallel } from "./src/emit/write.ts";
import { rmSync } from "node:fs";
import { execSync } from "node:child_process";
const n = process.argv[2]!;
const modes = process.argv.slice(3);
const loaded = await load("/work/main/bench/synthetic/bench", { overrides: [`jobs=${n}`], configDir: "/tmp/xcfg" } as any);
for (const mode of modes) {
  const ws = `/tmp/wp-${mode}-${Math.random().toString(36).slice(2)}`;

  execSync("sync");
  const a = performance.now();
  const c = await compileLoaded(loaded, []);
  const b = performance.now();
  const r = mode === "sync" ? writeFiles(ws, c.files!) : await writeFilesInParallel(ws, c.files!, Number(mode));
  const d = performance.now();
  const again = mode === "sync" ? writeFiles(ws, (await compileLoaded(loaded, [])).files!) : await writeFilesInParallel(ws, (await compileLoaded(loaded, [])).files!, Number(mode));
  const e = performance.now();
  console.log(mode, "compile", (b - a).toFixed(0), "emit+write", (d - b).toFixed(0), r, "again", (e - d).toFixed(0), again);
}
