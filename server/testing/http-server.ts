// A handler of the web server's (server/runtime/web-server.ts) on a real HTTP server on loopback,
// for tests that drive it as the browser does.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { OwnRouteHandler } from "../runtime/own-routes";

export type TestServer = { url: string; close(): Promise<void> };

export async function serveHandler(handler: OwnRouteHandler): Promise<TestServer> {
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
