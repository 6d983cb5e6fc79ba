// GET /api/export?format=trl&style=conversational&margin=small&… : a preference dataset,
// streamed. Signed-in researchers (the download button) or scripts with a personal API token.
// At most EXPORT_MAX_CONCURRENT_PER_USER exports per person at once; a download the client
// abandons ends the export and frees its connections.
import { config } from "~/server/config/config";
import { exportDownload, stampedFileName } from "~/server/export/download";
import { exportRequestFromHttp } from "~/server/export/export-request";
import { exportToJsonl } from "~/server/export/export-to-jsonl";
import { exportToZip } from "~/server/export/export-to-zip";
import { pseudonymSalt } from "~/server/export/pseudonyms";
import { roundSftDownload } from "./round-sft";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  // A round's fine-tuning set (format=sft&rounds=…) rather than preference pairs.
  if (new URL(request.url).searchParams.get("format") === "sft") return roundSftDownload(request);
  const parsed = await exportRequestFromHttp(request);
  if (!parsed.ok) return Response.json({ error: parsed.error }, { status: parsed.status });
  const salt = pseudonymSalt(config().NEXTAUTH_SECRET ?? "");
  const base = `preferences-${parsed.options.format}`;
  return exportDownload(parsed.user.id, (databaseUrl) =>
    parsed.as === "jsonl"
      ? { stream: exportToJsonl(databaseUrl, parsed.options, salt), type: "application/jsonl; charset=utf-8", fileName: stampedFileName(base, "jsonl") }
      : { stream: exportToZip(databaseUrl, parsed.options, salt), type: "application/zip", fileName: stampedFileName(base, "zip") },
  );
}
