/**
 * On a real single-node OAR (scripts/cluster/oar-up.sh), submitting as an ordinary user (OAR
 * refuses root). Run with `npm run test:oar`; skips loudly when OAR cannot be started.
 */
import { spawnSync } from "node:child_process";
import { skipLoudly, startScheduler } from "./cluster.ts";
import { limitScenarios, schedulerScenarios } from "./scenarios.ts";

const reason = startScheduler("oar");
if (reason) skipLoudly("OAR", reason);

schedulerScenarios({ name: "OAR", launchers: "oar", driver: "submit-oar.sh", user: process.env.XPM_OAR_USER ?? "xpmtest" }, reason);

limitScenarios({ name: "OAR", launchers: "oar", driver: "submit-oar.sh", user: process.env.XPM_OAR_USER ?? "xpmtest" }, reason, (id) => void spawnSync("runuser", ["-u", process.env.XPM_OAR_USER ?? "xpmtest", "--", "oardel", id]));
