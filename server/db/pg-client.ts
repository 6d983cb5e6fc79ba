// Small pg helpers for code that works beside Prisma: setup, tests and tools that create
// databases or run one statement and leave.
import pg from "pg";

/** The same server's URL with another database name. */
export function databaseUrlFor(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Opens a client, runs `work`, and always closes it. */
export async function withPgClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
