// What `npm start` asks of the worker side before the web app opens: a policy to sample from out
// of the box (POLICY_BASE_URL, POLICY_MODEL_PATH, or the tiny Llama 2 written under
// DATA_DIR/models). Run by server/runtime/start.ts as a process of its own, so the launcher never
// imports worker code; it loads no model.
import path from "node:path";
import { disconnectPrisma, prisma } from "../server/db/prisma";
import { ensureDefaultPolicyVariant } from "./policy/default-policy";
import { config } from "../server/config/config";

const dataRoot = path.resolve(config().DATA_DIR);

try {
  const variant = await ensureDefaultPolicyVariant(prisma, dataRoot);
  if (variant) console.log(`Registered policy variant "${variant.name}" (${variant.modelPath ?? variant.baseUrl}).`);
} finally {
  await disconnectPrisma();
}
