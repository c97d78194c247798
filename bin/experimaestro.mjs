#!/usr/bin/env node
// Entry point. Runs this package's sources compiled to JavaScript (dist/<stamp>/, built by
// `npm install` and rebuilt here when a source changed since: scripts/build.mjs), so a command
// loads only its own code, untranspiled. An experiment's TypeScript modules (no build step) are
// bundled by esbuild when a command imports them (src/load/user-modules.ts), "experimaestro-ts"
// being the same compiled modules as the CLI's; no module hooks are registered. Without a build
// (none can be written here), the sources run through tsx as they are.
import { pathToFileURL } from "node:url";
import { currentBuild } from "../scripts/build.mjs";

const dist = await currentBuild();
let cli;
if (dist) {
  cli = await import(pathToFileURL(`${dist}/cli.js`).href);
  cli.useBundledModules(pathToFileURL(`${dist}/index.js`).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import("../src/cli.ts");
}
process.exitCode = await cli.main(process.argv.slice(2));
