// /api/trpc/<procedures>: tRPC over HTTP (queries, batched queries, mutations and the
// server-sent events of subscriptions), served by the web process's own HTTP server ahead of
// Next.js (server/runtime/web-server.ts) through tRPC's Node adapter. Next.js's request path
// (routing, its web-stream adapters, the app-route runtime) cost more per request than most
// procedures do; the research dashboard makes nine of them on load.
// Every procedure authorises itself (trpc.ts's bases); here only the cross-site rule is applied,
// as for every route that acts on the session cookie.
import type { IncomingMessage, ServerResponse } from "node:http";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { crossSiteError } from "../auth/same-origin";
import { pathOf, requestView, sendJson } from "../http/node-request";
import { appRouter } from "./root";
import { createTRPCContext } from "./trpc";

/** Where the procedures are: the browser's links (app/_trpc/client.tsx) send to TRPC_PATH + "a.b,c.d". */
export const TRPC_PATH = "/api/trpc/";

export async function serveTrpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = requestView(req);
  const crossSite = crossSiteError(request);
  if (crossSite) return sendJson(res, 403, { error: crossSite });
  await nodeHTTPRequestHandler({
    router: appRouter,
    req,
    res,
    path: pathOf(req.url).slice(TRPC_PATH.length),
    createContext: () => createTRPCContext(request.headers),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "(unknown procedure)"}:`, error.cause ?? error);
    },
  });
}
