// The endpoints the web server (web-server.ts) serves itself, ahead of Next.js: requests so
// frequent that Next.js's per-request work would be most of their cost. By path, each handler
// checking its own method, session and role (server/trpc/access.ts has a line for each); and
// everything under /api/trpc/, whose procedures are authorised by their tRPC bases.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SUBMIT_PATH, serveSubmit } from "../annotation/submit-endpoint";
import { serveTrpc, TRPC_PATH } from "../trpc/endpoint";

export type OwnRouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export const ownRoutes = new Map<string, OwnRouteHandler>([[SUBMIT_PATH, serveSubmit]]);

/** The handler the web server serves a request's path with itself, or undefined (Next.js serves it). */
export function ownRouteOf(path: string): OwnRouteHandler | undefined {
  return ownRoutes.get(path) ?? (path.startsWith(TRPC_PATH) ? serveTrpc : undefined);
}
