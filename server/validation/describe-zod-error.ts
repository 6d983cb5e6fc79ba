// One wording for invalid input everywhere (tRPC, route handlers, CLIs, jobs):
// "email: Enter a valid email address; role: Invalid option".
import type { ZodError } from "zod";

export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
