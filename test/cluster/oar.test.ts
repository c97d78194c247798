/**
 * On a real single-node OAR (scripts/cluster/oar-up.sh), submitting as an ordinary user (OAR
 * refuses root). Run with `npm run test:oar`; when OAR cannot be started it fails on CI
 * (CI=true) and skips loudly elsewhere.
 */
import { spawnSync } from "node:child_process";
import { schedulerOrSkip } from "./cluster.ts";
import { limitScenarios, schedulerScenarios } from "./scenarios.ts";

const reason = schedulerOrSkip("oar", "OAR");

// oarstat -s says only Error for a job oardel removed; its events (oarstat -e) say it was cancelled.
schedulerScenarios({ name: "OAR", launchers: "oar", driver: "submit-oar.sh", user: process.env.XPM_OAR_USER ?? "xpmtest", cancel: { command: "oardel", reason: "cancelled" } }, reason);

limitScenarios({ name: "OAR", launchers: "oar", driver: "submit-oar.sh", user: process.env.XPM_OAR_USER ?? "xpmtest", cancel: { command: "oardel", reason: "cancelled" } }, reason, (id) => void spawnSync("runuser", ["-u", process.env.XPM_OAR_USER ?? "xpmtest", "--", "oardel", id]));
