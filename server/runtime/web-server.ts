// The web process (`npm start` runs it): Node's HTTP server, with Next.js serving every page and
// API route, and the few endpoints of own-routes.ts served ahead of it (requests so frequent that
// Next.js's per-request work, routing and web streams, would be most of their cost: the compare
// screen's submit, server/annotation/submit-endpoint.ts, and tRPC, server/trpc/endpoint.ts).
// Arguments: the port and the host to listen on.
import http from "node:http";
import next from "next";
import { pathOf } from "../http/node-request";
import { ownRouteOf } from "./own-routes";

async function main() {
  const [portArgument, host = "0.0.0.0"] = process.argv.slice(2);
  const port = Number(portArgument);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`web-server: the port must be a number from 1 to 65535, not "${portArgument}".`);

  const app = next({ dev: false, dir: process.cwd(), hostname: host, port });
  await app.prepare();
  const nextHandler = app.getRequestHandler();

  const server = http.createServer((req, res) => {
    const own = ownRouteOf(pathOf(req.url));
    const served = own ? own(req, res) : nextHandler(req, res);
    served.catch((error: unknown) => {
      console.error(`Failed to handle ${req.method} ${req.url}:`, error);
      // Part of an answer already sent cannot be followed by an error page: cut the connection.
      if (res.headersSent) return res.destroy();
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Server Error");
    });
  });
  server.on("upgrade", (req, socket, head) => void app.getUpgradeHandler()(req, socket, head));

  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    // Requests in flight finish; idle keep-alive connections are closed at once, and open
    // streams (job updates) after a grace period.
    server.close(() => void app.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 3_000).unref();
  };
  process.on("SIGTERM", close);
  process.on("SIGINT", close);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  console.log(`Web server listening on ${host}:${port}.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
