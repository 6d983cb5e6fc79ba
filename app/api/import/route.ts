// POST /api/import?fileName=hh.jsonl&source=Anthropic/hh-rlhf&licence=MIT (the file as the body):
// an import for scripts with a personal API token (or a signed-in admin). The file is imported
// by a worker job, never in this process; the request waits for the job to end and answers with
// its result (200), or with the line and field of a bad row (400). With ?wait=false it answers
// at once with the job's id (202), to follow on Admin → Jobs.
//   curl -H "Authorization: Bearer pp_…" --data-binary @hh.jsonl "http://localhost:3000/api/import?fileName=hh.jsonl&source=Anthropic/hh-rlhf"
import { receiveImport } from "~/server/import/import-endpoint";

export const dynamic = "force-dynamic";

export const POST = receiveImport;
