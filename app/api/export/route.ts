// GET /api/export?format=trl&style=conversational&margin=small&… : a preference dataset,
// streamed. Signed-in researchers (the download button) or scripts with a personal API token.
import { Readable } from "node:stream";
import { prisma } from "~/server/db/prisma";
import { parseExportRequest } from "~/server/export/export-request";
import { exportToZip } from "~/server/export/export-to-zip";
import { pseudonymSalt } from "~/server/export/pseudonyms";
import { exportQuery } from "~/server/export/export-query";
import { streamLines } from "~/server/export/stream-export";
import pg from "pg";
import { PassThrough } from "node:stream";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const parsed = await parseExportRequest(prisma, new URL(request.url), request.headers);
  if (!parsed.ok) return Response.json({ error: parsed.error }, { status: parsed.status });
  const databaseUrl = process.env.DATABASE_URL!;
  const salt = pseudonymSalt(process.env.NEXTAUTH_SECRET ?? "");
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const base = `preferences-${parsed.options.format}-${stamp}`;

  if (parsed.as === "jsonl") {
    // Just the rows, for `curl … | head`: no card or manifest.
    const out = new PassThrough();
    const client = new pg.Client({ connectionString: databaseUrl });
    void (async () => {
      try {
        await client.connect();
        await streamLines([client], [exportQuery(parsed.options, "all", (v) => client.escapeLiteral(v), salt)], out);
      } catch (error) {
        out.destroy(error as Error);
      } finally {
        await client.end().catch(() => {});
      }
    })();
    return new Response(Readable.toWeb(out) as ReadableStream, {
      headers: { "content-type": "application/jsonl; charset=utf-8", "content-disposition": `attachment; filename="${base}.jsonl"` },
    });
  }
  const zip = exportToZip(databaseUrl, parsed.options, salt);
  return new Response(Readable.toWeb(zip) as ReadableStream, {
    headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${base}.zip"` },
  });
}
