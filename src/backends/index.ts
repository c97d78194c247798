/** Backend registry: one line per backend. */
import { shellBackend } from "./shell.ts";
import type { Backend } from "./types.ts";

const backends: Record<string, Backend> = {
  [shellBackend.key]: shellBackend,
};

/** The backend serving a launcher type. */
export function backendFor(type: string): Backend {
  const b = backends[type];
  if (!b) throw new Error(`internal: no backend for launcher type '${type}'`);
  return b;
}

export type { Backend } from "./types.ts";
