// GET /api/export?format=trl&style=conversational&margin=small&… : a preference dataset,
// streamed. Signed-in researchers (the download button) or scripts with a personal API token.
// At most EXPORT_MAX_CONCURRENT_PER_USER exports per person at once; a download the client
// abandons ends the export and frees its connections.
import { Readable } from "node:stream";
import { exportRequestFromHttp } from "~/server/export/export-request";
import { maxExportsPerUser, takeExportSlot } from "~/server/export/export-slots";
import { exportToJsonl } from "~/server/export/export-to-jsonl";
import { exportToZip } from "~/server/export/export-to-zip";
import { pseudonymSalt } from "~/server/export/pseudonyms";
import { config } from "~/server/config/config";
import { roundSftDownload } from "./round-sft";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  // A round's fine-tuning set (format=sft&rounds=…) rather than preference pairs.
  if (new URL(request.url).searchParams.get("format") === "sft") return roundSftDownload(request);
  const parsed = await exportRequestFromHttp(request);
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
  const salt = pseudonymSalt(config().NEXTAUTH_SECRET ?? "");
  const base = `preferences-${parsed.options.format}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  const [stream, type, extension] =
    parsed.as === "jsonl"
      ? [exportToJsonl(databaseUrl, parsed.options, salt), "application/jsonl; charset=utf-8", "jsonl"]
      : [exportToZip(databaseUrl, parsed.options, salt), "application/zip", "zip"];
  // Finished, failed or cancelled: the stream closes, and the slot goes with it.
  stream.once("close", () => void slot.release());
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: { "content-type": type, "content-disposition": `attachment; filename="${base}.${extension}"` },
  });
}
