// A download abandoned half-way ends its export: the connections it held in their
// repeatable-read transaction are closed, not left waiting for a reader that is gone. And one
// person can run only so many exports at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "../../app/api/export/route";
import { createApiToken } from "../api-tokens/api-tokens";
import { prisma } from "../db/prisma";
import { makeAnnotators, makeUser } from "../testing/fixtures";
import { waitFor } from "../testing/wait-for";

let token: string;
beforeAll(async () => {
  process.env.EXPORT_SHARDS = "2";
  process.env.EXPORT_MAX_CONCURRENT_PER_USER = "2";
  token = (await createApiToken(prisma, (await makeUser("RESEARCHER")).id, { name: "script" })).token;
  const [annotator] = await makeAnnotators(1);
  const round = await prisma.round.create({ data: { number: 3, name: "RLHF-V3", status: "ACTIVE" } });
  const batch = await prisma.batch.create({ data: { roundId: round.id, name: "Big", status: "OPEN", annotationsPerPair: 1 } });
  // Enough rows that the zip is far bigger than every buffer on the way: responses of hex text
  // that deflate cannot shrink much.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Prompt" (id, protocol, source, turns, "contentHash")
      SELECT 'p' || i, 'HELPFULNESS', 'test', ARRAY['Question ' || i || '?'], 'h' || i FROM generate_series(1, 3000) i;
    INSERT INTO "Response" (id, "promptId", text)
      SELECT 'r' || i || side, 'p' || i, (SELECT string_agg(md5(i::text || side || j::text), '') FROM generate_series(1, 40) j)
      FROM generate_series(1, 3000) i, (VALUES ('a'), ('b')) s(side);
    INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", strategy)
      SELECT 'pair' || i, '${batch.id}', 'p' || i, 'r' || i || 'a', 'r' || i || 'b', 'test' FROM generate_series(1, 3000) i;
    INSERT INTO "Comparison" (id, "pairId", "annotatorId", chosen, strength, "leftSide", "timeOnTaskMs")
      SELECT 'c' || i, 'pair' || i, '${annotator!.id}', 'A', 'BETTER', 'A', 1000 FROM generate_series(1, 3000) i;`);
  await prisma.$executeRawUnsafe(`ANALYZE`);
});
afterAll(() => {
  delete process.env.EXPORT_SHARDS;
  delete process.env.EXPORT_MAX_CONCURRENT_PER_USER;
});

/** Connections of this database other than the test's own Prisma pool, by what they are doing. */
async function exportConnections() {
  const rows = await prisma.$queryRaw<{ state: string | null; query: string }[]>`
    SELECT state, query FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
      AND (state LIKE 'idle in transaction%' OR query ILIKE 'COPY%' OR query ILIKE '%pg_try_advisory_lock%' OR application_name = 'export slot')`;
  return rows.length;
}

const download = (query: string) => GET(new Request(`http://localhost/api/export?${query}`, { headers: { authorization: `Bearer ${token}` } }));

async function readSome(response: Response, bytes: number) {
  const reader = response.body!.getReader();
  let read = 0;
  while (read < bytes) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the export ended after ${read} bytes`);
    read += value.length;
  }
  return reader;
}

// Generous test timeouts: on a loaded 2-core machine a 3,000-pair export takes tens of seconds to
// its first bytes; the assertions are about connections, not speed.
describe("an abandoned download", () => {
  for (const as of ["zip", "jsonl"]) {
    it(`(${as}) frees the export's connections`, async () => {
      expect(await exportConnections()).toBe(0);
      const response = await download(`format=raw&as=${as}`);
      expect(response.status).toBe(200);
      const reader = await readSome(response, 64 * 1024);
      // Mid-export: its connections are there, waiting for the reader.
      expect(await exportConnections()).toBeGreaterThan(0);
      // The client goes away: Next.js cancels the response body.
      await reader.cancel();
      expect(await waitFor(exportConnections, (n) => n === 0)).toBe(0);
    }, 120_000);
  }

  it("one person runs at most EXPORT_MAX_CONCURRENT_PER_USER exports at once", async () => {
    const first = await readSome(await download("format=raw"), 1024);
    const second = await readSome(await download("format=raw"), 1024);
    const third = await download("format=raw");
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("30");
    expect((await third.json()).error).toBe("You already have 2 exports running, the most at once; wait for one to finish, then ask again.");
    // Someone else is not held up.
    const otherToken = (await createApiToken(prisma, (await makeUser("RESEARCHER")).id, { name: "other" })).token;
    const other = await GET(new Request("http://localhost/api/export?format=raw&as=jsonl", { headers: { authorization: `Bearer ${otherToken}` } }));
    expect(other.status).toBe(200);
    await other.body!.cancel();
    // One cancelled: a slot is free again.
    await first.cancel();
    const again = await waitFor(async () => {
      const response = await download("format=raw&as=jsonl");
      if (response.status === 200) await response.body!.cancel();
      return response.status;
    }, (status) => status === 200);
    expect(again).toBe(200);
    await second.cancel();
    expect(await waitFor(exportConnections, (n) => n === 0)).toBe(0);
  }, 120_000);
});
