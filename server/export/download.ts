// An export as an HTTP download: one of the person's export slots (export-slots.ts) for as long as
// the stream runs, or 429 when all are taken. The stream's close (finished, failed, or the client
// gone) gives the slot back. Used by the preference export and a round's fine-tuning set.
import { Readable } from "node:stream";
import { config } from "../config/config";
import { maxExportsPerUser, takeExportSlot } from "./export-slots";

export type DownloadStream = { stream: Readable; type: string; fileName: string };

export async function exportDownload(userId: string, start: (databaseUrl: string) => DownloadStream): Promise<Response> {
  const databaseUrl = config().DATABASE_URL!;
  const slot = await takeExportSlot(databaseUrl, userId);
  if (!slot) {
    const max = maxExportsPerUser();
    return Response.json(
      { error: `You already have ${max} export${max === 1 ? "" : "s"} running, the most at once; wait for one to finish, then ask again.` },
      { status: 429, headers: { "retry-after": "30" } },
    );
  }
  const { stream, type, fileName } = start(databaseUrl);
  stream.once("close", () => void slot.release());
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: { "content-type": type, "content-disposition": `attachment; filename="${fileName}"` },
  });
}

/** A file name that says what and when: `<base>-2026-12-01T21-00-00-000Z.<extension>`. */
export function stampedFileName(base: string, extension: string): string {
  return `${base}-${new Date().toISOString().replace(/[:.]/g, "-")}.${extension}`;
}
