// GET /api/export?format=sft&rounds=ID,ID&file=jsonl|parquet : a round's fine-tuning set (its kept
// best samples as TRL SFT rows, server/rounds/sft-export.ts) as a zip with its dataset card and
// manifest. Same callers, same per-person limit as the preference export.
import { Readable } from "node:stream";
import { config } from "~/server/config/config";
import { prisma } from "~/server/db/prisma";
import { maxExportsPerUser, takeExportSlot } from "~/server/export/export-slots";
import { zipExport } from "~/server/export/export-to-zip";
import { parseSftExportRequest, runSftExport } from "~/server/rounds/sft-export";

export async function roundSftDownload(request: Request): Promise<Response> {
  const parsed = await parseSftExportRequest(prisma, new URL(request.url), request.headers);
  if (!parsed.ok) return Response.json({ error: parsed.error }, { status: parsed.status });
  const databaseUrl = config().DATABASE_URL!;
  const slot = await takeExportSlot(databaseUrl, parsed.user.id);
  if (!slot) {
    const max = maxExportsPerUser();
    return Response.json(
      { error: `You already have ${max} export${max === 1 ? "" : "s"} running, the most at once; wait for one to finish, then ask again.` },
      { status: 429, headers: { "retry-after": "30" } },
    );
  }
  const stream = zipExport((sink) => runSftExport(databaseUrl, parsed.options, sink));
  stream.once("close", () => void slot.release());
  const name = `round-sft-${new Date().toISOString().replace(/[:.]/g, "-")}.zip`;
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${name}"` },
  });
}
