// The compare screen's submit: a plain JSON POST to the web server's own endpoint
// (server/annotation/submit-endpoint.ts), not a tRPC call; the answer is checked against the
// same schema the server's result is written from, which also turns its dates back into Dates.
import { SUBMIT_PATH, type SubmitInput, type SubmitResult, submitResultSchema } from "~/server/annotation/annotation.schema";

export async function postSubmit(input: SubmitInput): Promise<SubmitResult> {
  const response = await fetch(SUBMIT_PATH, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body as { error?: unknown } | null)?.error;
    throw new Error(typeof message === "string" ? message : `The server answered ${response.status}.`);
  }
  return submitResultSchema.parse(body);
}
