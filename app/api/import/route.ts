// POST /api/import?fileName=hh.jsonl&source=Anthropic/hh-rlhf&licence=MIT (the file as the body):
// an import for scripts with a personal API token (or a signed-in admin). Small files are
// imported in the request (200, the result); big ones become a worker job (202, its id).
//   curl -H "Authorization: Bearer pp_…" --data-binary @hh.jsonl "http://localhost:3000/api/import?fileName=hh.jsonl&source=Anthropic/hh-rlhf"
import { refuseCrossSite } from "~/server/auth/same-origin";
import { prisma } from "~/server/db/prisma";
import { importErrorResponse, importRequester, parseImportQuery, requestFileName } from "~/server/import/import-request";
import { startImport } from "~/server/import/start-import";
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
    const started = await startImport(prisma, process.env.DATABASE_URL!, { uploadId: upload.uploadId, fileName: upload.fileName, options: query.options }, who.user.id);
    return started.mode === "done" ? Response.json(started.result) : Response.json({ jobId: started.jobId }, { status: 202 });
  } catch (error) {
    const refusal = importErrorResponse(error);
    return Response.json({ error: refusal.error }, { status: refusal.status });
  }
}
