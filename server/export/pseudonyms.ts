// The salt of pseudonymous annotator ids in exports: stable for one workspace (so ids line up
// across exports), unguessable outside it, derived from the auth secret.
import crypto from "node:crypto";

export function pseudonymSalt(authSecret: string): string {
  return crypto.createHash("sha256").update(`export-pseudonyms:${authSecret}`).digest("hex");
}
