/**
 * On a real single-node OAR (scripts/cluster/oar-up.sh), submitting as an ordinary user (OAR
 * refuses root). Run with `npm run test:oar`; when OAR cannot be started it fails on CI
 * (CI=true) and skips loudly elsewhere.
 */
import { schedulerOrSkip } from "./cluster.ts";
import { schedulerScenarios } from "./scenarios.ts";

const reason = schedulerOrSkip("oar", "OAR");

schedulerScenarios({ name: "OAR", launchers: "oar", driver: "submit-oar.sh", user: process.env.XPM_OAR_USER ?? "xpmtest" }, reason);
