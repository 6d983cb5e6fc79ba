// The import's PostgreSQL connection, run on a thread of its own (see import-connection.ts).
//
// Plain JavaScript on purpose: a worker thread starts without the TypeScript loader its parent
// may have (tsx, vitest), so this file must run on bare Node.
//
// Messages in: { id, kind: "query", sql, params } and { id, kind: "copy", sql, data }, run one
// at a time in the order they arrive, each started the moment the one before ends; and
// { kind: "close" }. Messages out: { connected, error? } once; { id, rows, memory? } (a COPY's
// payload memory handed back) or { id, error }; { closed: true }.
// After a statement fails, the ones queued behind it are refused without running: the
// transaction is lost, and closing the connection rolls it back.
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

const client = new pg.Client({ connectionString: workerData.connectionString, application_name: workerData.applicationName });
let failed = null;
let last = client.connect().then(
  () => parentPort.postMessage({ connected: true }),
  (error) => {
    failed = error?.message ?? String(error);
    parentPort.postMessage({ connected: false, error: errorFields(error) });
  },
);

function errorFields(error) {
  return {
    message: error?.message ?? String(error),
    code: error?.code,
    detail: error?.detail,
    constraint: error?.constraint,
    table: error?.table,
    column: error?.column,
  };
}

async function run(message) {
  if (message.kind === "query") return { rows: (await client.query(message.sql, message.params)).rows };
  await new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(message.sql));
    stream.on("finish", resolve).on("error", reject);
    stream.end(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
  });
  // The payload's memory goes back, to be filled again.
  return { rows: [], memory: message.data.buffer };
}

parentPort.on("message", (message) => {
  if (message.kind === "close") {
    last
      .catch(() => {})
      .then(() => client.end())
      .catch(() => {})
      .then(() => parentPort.postMessage({ closed: true }));
    return;
  }
  last = last
    .catch(() => {})
    .then(async () => {
      if (failed) {
        parentPort.postMessage({ id: message.id, error: { message: `not run: an earlier statement failed (${failed})` } });
        return;
      }
      try {
        const { rows, memory } = await run(message);
        parentPort.postMessage({ id: message.id, rows, memory }, memory ? [memory] : []);
      } catch (error) {
        failed = error?.message ?? String(error);
        parentPort.postMessage({ id: message.id, error: errorFields(error) });
      }
    });
});
