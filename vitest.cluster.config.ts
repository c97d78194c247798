import { defineConfig } from "vitest/config";

// Tests against a real scheduler: one file at a time, generous timeouts (jobs really run).
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
