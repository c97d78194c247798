/** The shell backend: jobs run by the local runner or run-local.sh; no scheduler header. */
import type { Backend } from "../model/backend.ts";

export const shellBackend: Backend = {
  key: "local",
  options: undefined,
  directives: () => [],
  scheduler: undefined,
};
