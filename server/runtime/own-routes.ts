// The endpoints the web server (web-server.ts) serves itself, ahead of Next.js, by path: requests
// so frequent that Next.js's per-request work would be most of their cost. Each handler checks
// its own method, session and role; server/trpc/access.ts has a line for each.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SUBMIT_PATH, serveSubmit } from "../annotation/submit-endpoint";

export type OwnRouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export const ownRoutes = new Map<string, OwnRouteHandler>([[SUBMIT_PATH, serveSubmit]]);

/** The path of a request's URL, without its query. */
export function pathOf(url: string | undefined): string {
  const path = url ?? "/";
  const query = path.indexOf("?");
  return query < 0 ? path : path.slice(0, query);
}
