// Tells whether the generated Prisma client matches prisma/schema.prisma: `npm run prisma --
// generate` stamps the hash of the schema it generated from beside the client.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const generatedStamp = path.join(process.cwd(), "node_modules", ".prisma", "client", "source-schema.sha256");

export function schemaHash(): string {
  const schema = fs.readFileSync(path.join(process.cwd(), "prisma", "schema.prisma"));
  return crypto.createHash("sha256").update(schema).digest("hex");
}
