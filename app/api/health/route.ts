// GET /api/health: 200 {"status":"ok"}, 200 {"status":"degraded"} while no worker runs, or 503
// {"status":"degraded"} when the database is down, for anyone; an admin (signed in, or with a
// personal API token) also gets the database and worker details and the problems.
import { healthForRequest } from "~/server/health/health";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const { status, body } = await healthForRequest(request.headers);
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}
