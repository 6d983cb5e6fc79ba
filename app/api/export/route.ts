// GET /api/export?format=trl&style=conversational&margin=small&… : a preference dataset,
// streamed. Signed-in researchers (the download button) or scripts with a personal API token.
import { Readable } from "node:stream";
import { prisma } from "~/server/db/prisma";
import { parseExportRequest } from "~/server/export/export-request";
import { exportToJsonl } from "~/server/export/export-to-jsonl";
import { exportToZip } from "~/server/export/export-to-zip";
import { pseudonymSalt } from "~/server/export/pseudonyms";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const parsed = await parseExportRequest(prisma, new URL(request.url), request.headers);
  if (!parsed.ok) return Response.json({ error: parsed.error }, { status: parsed.status });
  const databaseUrl = process.env.DATABASE_URL!;
  const salt = pseudonymSalt(process.env.NEXTAUTH_SECRET ?? "");
  const base = `preferences-${parsed.options.format}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  const [stream, type, extension] =
    parsed.as === "jsonl"
      ? [exportToJsonl(databaseUrl, parsed.options, salt), "application/jsonl; charset=utf-8", "jsonl"]
      : [exportToZip(databaseUrl, parsed.options, salt), "application/zip", "zip"];
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: { "content-type": type, "content-disposition": `attachment; filename="${base}.${extension}"` },
  });
}
