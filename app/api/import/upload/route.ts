// POST /api/import/upload?fileName=prompts.jsonl&format=auto (the file as the body): the admin
// page's upload. Keeps the file for the import and answers with its upload id and a preview
// (detected format, first rows); nothing is imported until import.start confirms it.
import { refuseCrossSite } from "~/server/auth/same-origin";
import { prisma } from "~/server/db/prisma";
import { importErrorResponse, importRequester, requestFileName } from "~/server/import/import-request";
import { importOptionsSchema } from "~/server/import/import.schema";
import { previewImport } from "~/server/import/run-import";
import { removeUpload, saveUpload } from "~/server/import/uploads";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  const crossSite = refuseCrossSite(request);
  if (crossSite) return crossSite;
  const url = new URL(request.url);
  const who = await importRequester(prisma, request.headers);
  if (!who.ok) return Response.json({ error: who.error }, { status: who.status });
  const fileName = requestFileName(url, request.headers);
  if (typeof fileName !== "string") return Response.json({ error: fileName.error }, { status: fileName.status });
  const format = importOptionsSchema.shape.format.safeParse(url.searchParams.get("format") ?? undefined);
  if (!format.success) return Response.json({ error: "format: auto, prompts, hh-rlhf, trl or raw" }, { status: 400 });
  if (!request.body) return Response.json({ error: "Send the file as the request body." }, { status: 400 });
  try {
    const upload = await saveUpload(request.body, fileName);
    try {
      const preview = await previewImport({ path: upload.path, fileName: upload.fileName }, { format: format.data });
      return Response.json({ uploadId: upload.uploadId, fileName: upload.fileName, size: upload.size, preview });
    } catch (error) {
      removeUpload(upload.uploadId, upload.fileName);
      throw error;
    }
  } catch (error) {
    const refusal = importErrorResponse(error);
    return Response.json({ error: refusal.error }, { status: refusal.status });
  }
}
