// Prisma CLI configuration. The schema engine runs as WASM ("js" engine) and talks to
// PostgreSQL through the same driver adapter the app uses, so `prisma generate` and
// `prisma migrate diff` need no native engine download.
import { defineConfig } from "prisma/config";
import { cliAdapterFactory } from "./server/db/cli-adapter";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: cliAdapterFactory,
});
