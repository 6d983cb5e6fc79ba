import { prisma } from "~/server/db/prisma";
import { checkHealth } from "~/server/health/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth(prisma);
  return Response.json(health, { status: health.database.ok ? 200 : 503 });
}
