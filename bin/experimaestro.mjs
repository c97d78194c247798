#!/usr/bin/env node
// Entry point. Runs this package's sources compiled to JavaScript (dist/<stamp>/, built by
// `npm install` and rebuilt here when a source changed since: scripts/build.mjs), so a command
// loads only its own code, untranspiled. tsx is registered only when an experiment's TypeScript
// module is to be imported (user modules need no build step); "experimaestro-ts" then resolves
// to the same compiled modules as the CLI's. Without a build (none can be written here), the
// sources run through tsx as they are.
import { register as registerHooks } from "node:module";
import { pathToFileURL } from "node:url";
import { currentBuild } from "../scripts/build.mjs";

const dist = await currentBuild();
let cli;
if (dist) {
  cli = await import(pathToFileURL(`${dist}/cli.js`).href);
  const index = pathToFileURL(`${dist}/index.js`).href;
  cli.setTypeScriptLoader(async () => {
    const { register } = await import("tsx/esm/api");
    register();
    const hook = `export async function resolve(s, c, next) { return s === "experimaestro-ts" ? { url: ${JSON.stringify(index)}, shortCircuit: true } : next(s, c); }`;
    registerHooks(`data:text/javascript,${encodeURIComponent(hook)}`);
  });
} else {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import("../src/cli.ts");
}
process.exitCode = await cli.main(process.argv.slice(2));
