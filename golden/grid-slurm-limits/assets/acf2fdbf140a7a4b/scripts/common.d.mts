// Types of common.mjs, for the TypeScript modules that import it (tasks.ts).
export function args(argv?: string[]): { named: Record<string, string>; rest: string[] };
export function random(seed: number): () => number;
export function data(seed: number, n: number): [number, number][];
