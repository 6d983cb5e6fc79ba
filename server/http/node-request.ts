// The few things an endpoint served by Node's own HTTP server (server/runtime/web-server.ts),
// rather than by a Next.js route handler, needs: the request seen as the shared auth code reads
// requests, its JSON body within a size limit, and a JSON answer.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestLike } from "../auth/same-origin";

/** The path of a request's URL, without its query. */
export function pathOf(url: string | undefined): string {
  const path = url ?? "/";
  const query = path.indexOf("?");
  return query < 0 ? path : path.slice(0, query);
}

/** A Node request as server/auth reads requests: method, URL and a header lookup. */
export function requestView(req: IncomingMessage): RequestLike {
  return {
    method: req.method ?? "GET",
    url: `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
    headers: {
      get(name) {
        const value = req.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    },
  };
}

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** The request's body parsed as JSON; a BodyError when it is not JSON or longer than `limitBytes`. */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers["content-type"] ?? "";
  if (!type.toLowerCase().startsWith("application/json")) throw new BodyError(415, "Send the body as application/json.");
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limitBytes) throw new BodyError(413, `The body is over ${limitBytes} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new BodyError(413, `The body is over ${limitBytes} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BodyError(400, "The body is not valid JSON.");
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}
