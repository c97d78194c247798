/** Public API of experimaestro-ts: what experiment modules import. */
export { defineConfig, defineTask, asset, Asset } from "./model/config.ts";
export type { ConfigType, TypedConfigType, TypedTaskType, TaskConfig, Submitted, SelfOutputs, TaskOptions, TaskDeclaration, ConfigOptions, CommandToken, ValuesOf, CreateArgs } from "./model/config.ts";
export type { TaskContext, TaskLogger, StopKind, ExecuteFunction, Resolved, ResolvedConfig, ResolvedValues } from "./model/execute.ts";
export { param, meta, constant, pathGen } from "./model/params.ts";
export type { ParamDecl, ParamOptions } from "./model/params.ts";
export { defineEnum, pathType } from "./model/types.ts";
export { ExperimentConfig } from "./model/experiment.ts";
export type { ExperimentKeys } from "./model/experiment.ts";
export { gridOf, expandRange, expandRangeMult } from "./model/grid.ts";
export { ConfigInstance, PathRef, Float, float } from "./model/values.ts";
export type { Tags } from "./model/values.ts";
export { Helper } from "./evaluate/helper.ts";
export type { SubmitOptions } from "./evaluate/helper.ts";
export type { ActionDecl, ActionToken, ServiceDecl } from "./evaluate/extras.ts";
export type { ActionParam, ActionParamType } from "./model/actions.ts";
export { identifier, identifierHex, jobPath } from "./util/identifier.ts";
export { XpmError, Codes } from "./model/diagnostics.ts";
export type { Diagnostic } from "./model/diagnostics.ts";
export { z } from "zod";

import { backends as registry } from "./backends/index.ts";
import { xpInfo, type XpInfo } from "./inspect/xpinfo.ts";
import { experimentStatus } from "./submit/status.ts";
export type { XpInfo, XpJob } from "./inspect/xpinfo.ts";

/**
 * Every job of an experiment, read back for analysis (experimaestro's `load_xp_info`): task id,
 * identifier, state (as `experimaestro status` gives it), folder, the experiment's tags, the
 * parameter values (plain JSON from params.json), outputs and the declared result file's content.
 */
export function loadXpInfo(workspace: string, experimentId: string): XpInfo {
  return xpInfo(workspace, experimentId, (m) => experimentStatus(workspace, m, registry));
}
