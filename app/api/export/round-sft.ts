// GET /api/export?format=sft&rounds=ID,ID&file=jsonl|parquet : a round's fine-tuning set (its kept
// best samples as TRL SFT rows, server/rounds/sft-export.ts) as a zip with its dataset card and
// manifest. Same callers, same per-person limit as the preference export.
import { exportDownload, stampedFileName } from "~/server/export/download";
import { zipExport } from "~/server/export/export-to-zip";
import { runSftExport, sftExportRequestFromHttp } from "~/server/rounds/sft-export";

export async function roundSftDownload(request: Request): Promise<Response> {
  const parsed = await sftExportRequestFromHttp(request);
  if (!parsed.ok) return Response.json({ error: parsed.error }, { status: parsed.status });
  return exportDownload(parsed.user.id, (databaseUrl) => ({
    stream: zipExport((sink) => runSftExport(databaseUrl, parsed.options, sink)),
    type: "application/zip",
    fileName: stampedFileName("round-sft", "zip"),
  }));
}
