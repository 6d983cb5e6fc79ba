// The one connection an import writes through, with its statements queued: each starts the
// moment the one before ends, so PostgreSQL always finds its next statement waiting while
// Node prepares the ones after.
//
// Why a thread: the importer's own thread is busy parsing and converting rows, and a
// statement's end (or a COPY's next megabytes, once the socket buffer has drained) is only
// noticed when that thread comes back to its event loop. Measured on 2 cores, PostgreSQL spent
// about a quarter of an import waiting so. On a thread of its own (connection-thread.mjs) the
// connection is served at once. The web server's bundler copies that file among its assets and
// points the URL below at the copy. Should the file not be found, the same queue runs on the
// importer's thread instead: correct, slower.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { config } from "../config/config";

export interface ImportConnection {
  /** Whether the connection runs on its own thread. */
  readonly threaded: boolean;
  /** Queues a statement; resolves with its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Queues a `COPY … FROM STDIN` with its whole payload, which must start its own ArrayBuffer
   * (it may be handed to another thread). Resolves with that memory, free to be filled again.
   */
  copy(sql: string, data: Buffer): Promise<ArrayBuffer>;
  /** Ends the connection once the statements started have ended; an open transaction rolls back. */
  close(): Promise<void>;
}

/** A PostgreSQL error from the thread, with the fields callers read. */
export class ImportStatementError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
}

const APPLICATION_NAME = "preference-import";

export async function openImportConnection(connectionString: string): Promise<ImportConnection> {
  const threadFile = connectionThreadFile();
  if (config().IMPORT_CONNECTION_THREAD !== "off" && threadFile) return threadConnection(connectionString, threadFile);
  return inlineConnection(connectionString);
}

/** The thread's file: beside this module, or the web bundle's copy of it; null if it cannot be found. */
function connectionThreadFile(): string | null {
  try {
    const file = fileURLToPath(new URL("./connection-thread.mjs", import.meta.url));
    return fs.existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

type Reply = { id: number; rows?: unknown[]; memory?: ArrayBuffer; error?: { message: string; code?: string; detail?: string; constraint?: string } };

function ownMemory(data: Buffer) {
  if (data.byteOffset !== 0 || data.buffer.byteLength <= Buffer.poolSize) throw new Error("a COPY payload must start its own ArrayBuffer");
}

function statementError(fields: NonNullable<Reply["error"]>): ImportStatementError {
  return Object.assign(new ImportStatementError(fields.message), { code: fields.code, detail: fields.detail, constraint: fields.constraint });
}

async function threadConnection(connectionString: string, file: string): Promise<ImportConnection> {
  const worker = new Worker(file, { workerData: { connectionString, applicationName: APPLICATION_NAME } });
  const waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  let next = 0;
  let closed: (() => void) | null = null;
  let broken: Error | null = null;
  const connected = new Promise<void>((resolve, reject) => {
    worker.on("message", (message: Reply & { connected?: boolean; closed?: boolean }) => {
      if (message.connected !== undefined) return message.connected ? resolve() : reject(statementError(message.error!));
      if (message.closed) return closed?.();
      const entry = waiting.get(message.id)!;
      waiting.delete(message.id);
      if (message.error) entry.reject(statementError(message.error));
      else entry.resolve(message);
    });
    // The thread itself failing or stopping (it should not) fails everything still waiting.
    const fail = (error: Error) => {
      broken = error;
      reject(error);
      for (const entry of waiting.values()) entry.reject(error);
      waiting.clear();
      closed?.();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!broken && !closed) fail(new Error(`the import's connection thread stopped (exit code ${code})`));
    });
  });
  try {
    await connected;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const post = (message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> => {
    if (broken) return Promise.reject(broken);
    const id = next++;
    const reply = new Promise<Reply>((resolve, reject) => waiting.set(id, { resolve, reject }));
    worker.postMessage({ ...message, id }, transfer);
    return reply;
  };
  return {
    threaded: true,
    query: async <T>(sql: string, params: unknown[] = []) => (await post({ kind: "query", sql, params })).rows as T[],
    copy: async (sql, data) => {
      ownMemory(data);
      // Handed over, not copied: the payload's memory moves to the thread, and comes back.
      return (await post({ kind: "copy", sql, data }, [data.buffer as ArrayBuffer])).memory!;
    },
    close: async () => {
      if (!broken) {
        await new Promise<void>((resolve) => {
          closed = resolve;
          worker.postMessage({ kind: "close" });
        });
      }
      await worker.terminate();
    },
  };
}

async function inlineConnection(connectionString: string): Promise<ImportConnection> {
  const client = new pg.Client({ connectionString, application_name: APPLICATION_NAME });
  await client.connect();
  let last: Promise<unknown> = Promise.resolve();
  let failed: string | null = null;
  const queue = <T>(run: () => Promise<T>): Promise<T> => {
    const statement = last.then(() => {
      if (failed) throw new ImportStatementError(`not run: an earlier statement failed (${failed})`);
      return run().catch((error: Error) => {
        failed = error.message;
        throw error;
      });
    });
    last = statement.catch(() => {});
    return statement;
  };
  return {
    threaded: false,
    query: <T>(sql: string, params: unknown[] = []) => queue(async () => (await client.query(sql, params)).rows as T[]),
    copy: (sql, data) =>
      queue(
        () =>
          new Promise<ArrayBuffer>((resolve, reject) => {
            ownMemory(data);
            const stream = client.query(copyFrom(sql));
            stream.on("finish", () => resolve(data.buffer as ArrayBuffer)).on("error", reject);
            stream.end(data);
          }),
      ),
    close: async () => {
      await last;
      await client.end().catch(() => {});
    },
  };
}
