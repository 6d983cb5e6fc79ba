// Steps before the app can run: an up-to-date Prisma client, a production build, an auth
// secret. Each is skipped when already done, so `npm start` is fast after the first time.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { generatedStamp, schemaHash } from "../db/generated-client";
import { config } from "../config/config";

const root = process.cwd();

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed with exit code ${result.status}`);
}

/** Regenerates the Prisma client when schema.prisma differs from the one it was generated from. */
export function ensurePrismaClient() {
  if (fs.existsSync(generatedStamp) && fs.readFileSync(generatedStamp, "utf8") === schemaHash()) return;
  console.log("Generating the Prisma client…");
  run(process.execPath, ["--import", "tsx", "server/db/prisma-cli.ts", "generate"]);
}

function newestMtime(entry: string): number {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(full)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** What the production build is made from. */
const buildInputs = ["app", "server", "prisma/schema.prisma", "next.config.mjs", "package-lock.json", "tsconfig.json"];

export function buildIsStale(): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const builtAt = fs.statSync(buildId).mtimeMs;
  return buildInputs.some((entry) => newestMtime(entry) > builtAt);
}

export function ensureBuild() {
  if (!buildIsStale()) return;
  console.log("Building the web app (first start or changed sources)…");
  run(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
  });
}

/** next-auth signs sessions with this; kept under .data/ so sessions survive restarts. Exports
 * derive their pseudonymous annotator ids from it too. */
export function authSecret(dataRoot: string): string {
  const { NEXTAUTH_SECRET } = config();
  if (NEXTAUTH_SECRET) return NEXTAUTH_SECRET;
  const file = path.join(dataRoot, "auth-secret");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(dataRoot, { recursive: true });
  const secret = crypto.randomBytes(32).toString("hex");
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
