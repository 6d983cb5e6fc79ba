// POST /api/import?fileName=hh.jsonl&source=Anthropic/hh-rlhf&licence=MIT (the file as the body):
// an import for scripts with a personal API token (or a signed-in admin). The file is imported
// by a worker job, never in this process; the request waits for the job to end and answers with
// its result (200), or with the line and field of a bad row (400). With ?wait=false it answers
// at once with the job's id (202), to follow on Admin → Jobs.
//   curl -H "Authorization: Bearer pp_…" --data-binary @hh.jsonl "http://localhost:3000/api/import?fileName=hh.jsonl&source=Anthropic/hh-rlhf"
import { refuseCrossSite } from "~/server/auth/same-origin";
import { prisma } from "~/server/db/prisma";
import { importErrorResponse, importOutcomeResponse, importRequester, parseImportQuery, requestFileName } from "~/server/import/import-request";
import { startImport, waitForImport } from "~/server/import/start-import";
import { saveUpload } from "~/server/import/uploads";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
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
