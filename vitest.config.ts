import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["specs/**/*.spec.ts"],
    // One stack at a time: the specs share one engine on a 2-core machine, and restart containers.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    reporters: ["default", "./specs/support/stack-report.ts"],
  },
});
