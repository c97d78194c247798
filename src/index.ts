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
export { identifier, identifierHex, jobPath } from "./util/identifier.ts";
export { XpmError, Codes } from "./model/diagnostics.ts";
export type { Diagnostic } from "./model/diagnostics.ts";
export { z } from "zod";
