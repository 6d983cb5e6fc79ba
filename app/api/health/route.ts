// GET /api/health: 200 {"status":"ok"} or 503 {"status":"degraded"} for anyone; an admin (signed
// in, or with a personal API token) also gets the database and worker details.
import { userForRequest } from "~/server/api-tokens/api-tokens";
import { prisma } from "~/server/db/prisma";
import { healthFor } from "~/server/health/health";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const user = await userForRequest(prisma, request.headers).catch(() => null);
  const { status, body } = await healthFor(prisma, user);
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}
