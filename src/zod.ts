/**
 * zod as the compiled CLI carries it (bundled into dist/, one module rather than ~95 files): an
 * experiment's own `import ... from "zod"` is given this module when it names the same zod
 * package (src/load/user-modules.ts), so that its schemas are the CLI's zod's.
 */
export * from "zod";
export { default } from "zod";
