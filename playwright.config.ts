// End-to-end tests: Debian's Chromium (never a downloaded browser) against the production build,
// started exactly as `npm start` starts it, on a fresh embedded database with the demo workspace.
import { defineConfig } from "@playwright/test";

import { e2eDataDir as dataDir, e2ePort as port } from "./e2e/data-dir";

const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  // Per port, as the database is: runs on other ports never clear this run's traces.
  outputDir: `${dataDir}-results`,
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: `rm -rf ${dataDir} && node --import tsx server/runtime/start.ts`,
    url: `${baseURL}/api/health`,
    // The first run builds the app.
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    // Always the embedded database, even where DATABASE_URL points at a shared server.
    env: { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: "", SEED_DEMO: "true" },
  },
});
