// POST /api/import/upload?fileName=prompts.jsonl&format=auto (the file as the body): the admin
// page's upload. Keeps the file for the import and answers with its upload id and a preview
// (detected format, first rows); nothing is imported until import.start confirms it.
import { receiveUpload } from "~/server/import/import-endpoint";

export const dynamic = "force-dynamic";

export const POST = receiveUpload;
