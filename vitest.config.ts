import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname) } },
  test: {
    include: ["server/**/*.test.ts", "workers/**/*.test.ts", "prisma/**/*.test.ts"],
    // One PostgreSQL for the run; each test file gets its own database cloned from a migrated template.
    globalSetup: ["server/testing/global-setup.ts"],
    setupFiles: ["server/testing/database-per-file.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
