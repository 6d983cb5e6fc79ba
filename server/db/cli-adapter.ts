// The driver adapter used by the Prisma CLI (see prisma.config.ts).
//
// The WASM schema engine reads catalog columns of PostgreSQL's internal `name` (OID 19) type,
// which @prisma/adapter-pg 6 cannot map (prisma/orm#27403: "Column type 'name' could not be
// deserialized"). It is text in every way that matters here, so the pg client below reports it
// (and its array) as text before the adapter sees it. That is enough for `migrate deploy`,
// `migrate status` and diffs between schema files. Introspection (`--from-migrations`,
// `--from-url`, `db pull`) also reads `"char"` columns, which the adapter cannot represent at
// all; server/db/prisma-cli.ts therefore diffs against a schema snapshot instead.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { config } from "../config/config";

const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;
const AS_TEXT: Record<number, number> = {
  19: TEXT_OID, // name
  1003: TEXT_ARRAY_OID, // name[]
};

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

function reportCatalogTypesAsText<T>(result: T): T {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results as QueryResultLike[]) {
    for (const field of r?.fields ?? []) {
      field.dataTypeID = AS_TEXT[field.dataTypeID] ?? field.dataTypeID;
    }
  }
  return result;
}

class CatalogTypesAsTextClient extends pg.Client {
  // pg's overloads are many: Pool.query calls this with a callback, a pooled client with a promise.
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last] as (error: unknown, result: unknown) => void;
      args[last] = (error: unknown, result: unknown) => callback(error, error ? result : reportCatalogTypesAsText(result));
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (out && typeof (out as Promise<unknown>).then === "function") {
      return (out as Promise<unknown>).then(reportCatalogTypesAsText) as never;
    }
    return out as never;
  }
}

export async function cliAdapterFactory() {
  const connectionString = config().DATABASE_URL;
  if (!connectionString) {
    throw new Error(
      "DATABASE_URL is not set. Run Prisma commands through the npm scripts (npm run db:migration, npm run db:status), which start the embedded database, or set DATABASE_URL.",
    );
  }
  const pool = new pg.Pool({ connectionString, Client: CatalogTypesAsTextClient });
  return new PrismaPg(pool);
}
