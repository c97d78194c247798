#!/usr/bin/env node
// Entry point: registers tsx so that both this package's sources and the user's experiment
// modules run as TypeScript with no build step, then hands over to src/cli.ts.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli.ts");
process.exitCode = await main(process.argv.slice(2));
