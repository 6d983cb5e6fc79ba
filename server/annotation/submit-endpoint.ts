// POST /api/annotate/submit: the compare screen's one request per annotation. It carries the
// judgement and answers with the saved comparison and the annotator's next pair (SubmitResult,
// as JSON). It is served by the web process's own HTTP server ahead of Next.js
// (server/runtime/web-server.ts): the request every annotation makes pays for a cookie check, a
// role check, a zod parse and two database calls (the user, then the submit), not for Next.js's
// routing, web streams and tRPC (the annotation benchmark's profile put those at most of the web
// process's time per annotation). Everything else about it is the tRPC procedure
// annotate.submit's: the same session, the same role rule, the same input schema and the same
// domain function.
import type { IncomingMessage, ServerResponse } from "node:http";
import { userFromRequestHeaders } from "../auth/current-user";
import { areaRefusal } from "../auth/roles";
import { crossSiteRefusal } from "../auth/same-origin";
import { prisma } from "../db/prisma";
import { DomainError, httpStatusOf } from "../errors/domain-error";
import { BodyError, readJsonBody, requestView, sendJson } from "../http/node-request";
import { describeZodError } from "../validation/describe-zod-error";
import { SUBMIT_PATH, submitInput } from "./annotation.schema";
import { submitComparison } from "./submit";

export { SUBMIT_PATH };

/** Room for the longest comment the schema takes, escaped, and the rest of the judgement. */
const BODY_LIMIT_BYTES = 64 * 1024;

export async function serveSubmit(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "POST") return sendJson(res, 405, { error: "Use POST." }, { allow: "POST" });
  const request = requestView(req);
  const crossSite = crossSiteRefusal(request);
  if (crossSite) return sendJson(res, 403, { error: `${crossSite} Send it from this site.` });
  try {
    const user = await userFromRequestHeaders(request.headers);
    if (!user) return sendJson(res, 401, { error: "Sign in first." });
    const refusal = areaRefusal(user.role, "annotate");
    if (refusal) return sendJson(res, 403, { error: refusal });
    const input = submitInput.safeParse(await readJsonBody(req, BODY_LIMIT_BYTES));
    if (!input.success) return sendJson(res, 400, { error: `Invalid input: ${describeZodError(input.error)}` });
    sendJson(res, 200, await submitComparison(prisma, user.id, input.data));
  } catch (error) {
    if (error instanceof BodyError) return sendJson(res, error.status, { error: error.message });
    if (error instanceof DomainError) return sendJson(res, httpStatusOf(error), { error: error.message, field: error.field ?? null });
    console.error(`${SUBMIT_PATH}:`, error);
    sendJson(res, 500, { error: "Something went wrong on the server; reload the page to see where you are." });
  }
}
