/**
 * On a real single-node OAR (scripts/cluster/oar-up.sh), submitting as an ordinary user (OAR
 * refuses root). Run with `npm run test:oar`; skips loudly when OAR cannot be started.
 */
import { skipLoudly, startScheduler } from "./cluster.ts";
import { schedulerScenarios } from "./scenarios.ts";

const reason = startScheduler("oar");
if (reason) skipLoudly("OAR", reason);

// oarstat -s says only Error for a job oardel removed: status cannot tell it from a failure.
schedulerScenarios({ name: "OAR", launchers: "oar", driver: "submit-oar.sh", user: process.env.XPM_OAR_USER ?? "xpmtest", cancel: { command: "oardel", reason: "failed" } }, reason);
