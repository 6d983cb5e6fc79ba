// The import endpoints' work, for their route handlers in app/api/import/ (which stay one line):
// who asks, the file, the options, and the answer, against the app's database.
import { refuseCrossSite } from "../auth/same-origin";
import { prisma } from "../db/prisma";
import { importErrorResponse, importOutcomeResponse, importRequester, parseImportQuery, requestFileName } from "./import-request";
import { importOptionsSchema } from "./import.schema";
import { previewImport } from "./run-import";
import { startImport, waitForImport } from "./start-import";
import { removeUpload, saveUpload } from "./uploads";

// POST /api/import?fileName=hh.jsonl&source=Anthropic/hh-rlhf&licence=MIT (the file as the body):
// an import for scripts with a personal API token (or a signed-in admin). The file is imported
// by a worker job, never in this process; the request waits for the job to end and answers with
// its result (200), or with the line and field of a bad row (400). With ?wait=false it answers
// at once with the job's id (202), to follow on Admin → Jobs.
//   curl -H "Authorization: Bearer pp_…" --data-binary @hh.jsonl "http://localhost:3000/api/import?fileName=hh.jsonl&source=Anthropic/hh-rlhf"
export async function receiveImport(request: Request): Promise<Response> {
  const crossSite = refuseCrossSite(request);
  if (crossSite) return crossSite;
  const url = new URL(request.url);
  const who = await importRequester(prisma, request.headers);
  if (!who.ok) return Response.json({ error: who.error }, { status: who.status });
  const query = parseImportQuery(url);
  if (!query.ok) return Response.json({ error: query.error }, { status: query.status });
  const fileName = requestFileName(url, request.headers);
  if (typeof fileName !== "string") return Response.json({ error: fileName.error }, { status: fileName.status });
  if (!request.body) return Response.json({ error: "Send the file as the request body." }, { status: 400 });
  try {
    const upload = await saveUpload(request.body, fileName);
    const { jobId } = await startImport(prisma, { uploadId: upload.uploadId, fileName: upload.fileName, options: query.options }, who.user.id);
    if (url.searchParams.get("wait") === "false") return Response.json({ jobId }, { status: 202 });
    // A client that goes away stops the wait, not the import.
    const answer = importOutcomeResponse(jobId, await waitForImport(prisma, jobId, request.signal));
    return Response.json(answer.body, { status: answer.status });
  } catch (error) {
    const refusal = importErrorResponse(error);
    return Response.json({ error: refusal.error }, { status: refusal.status });
  }
}

// POST /api/import/upload?fileName=prompts.jsonl&format=auto (the file as the body): the admin
// page's upload. Keeps the file for the import and answers with its upload id and a preview
// (detected format, first rows); nothing is imported until import.start confirms it.
export async function receiveUpload(request: Request): Promise<Response> {
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
