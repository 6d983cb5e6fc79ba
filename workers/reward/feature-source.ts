// Where a reward model's features come from: a policy variant's model, through the extractor
// of workers/features/. Shared by training, scoring and rejection sampling.
import type { PolicyVariant } from "@prisma/client";
import type { DbOrTx } from "../../server/db/types";
import { JobError } from "../../server/jobs/job-handler";
import { policyEmbeddingExtractor } from "../features/extractor";
import type { PolicyBackend } from "../policy/policy-backend";

/** The variant whose model embeds: the one asked for, else the oldest active local one, else any active one. */
export async function featureVariant(db: DbOrTx, variantId: string | null | undefined): Promise<PolicyVariant> {
  if (variantId) {
    const variant = await db.policyVariant.findUnique({ where: { id: variantId } });
    if (!variant) throw new JobError(`features.variantId: no policy variant ${variantId}.`);
    return variant;
  }
  const variants = await db.policyVariant.findMany({ where: { retiredAt: null }, orderBy: { createdAt: "asc" } });
  const variant = variants.find((v) => v.backend === "LLAMA_CPP") ?? variants[0];
  if (!variant) throw new JobError("No features: no active policy variant can embed. Register one under Admin → Policy variants.");
  return variant;
}

/** The extractor a run (or a scoring job for its model) uses. */
export async function openExtractor(variant: PolicyVariant, pooling: "mean" | "last", openBackend: (v: PolicyVariant) => Promise<PolicyBackend>) {
  let backend: PolicyBackend;
  try {
    backend = await openBackend(variant);
  } catch (error) {
    throw new JobError(`No features: the policy variant "${variant.name}" could not be opened (${(error as Error).message}).`);
  }
  if (backend.embedPoolings.length > 0 && !backend.embedPoolings.includes(pooling)) {
    throw new JobError(`features.pooling: the variant "${variant.name}" embeds with ${backend.embedPoolings.join(" or ")} pooling, not ${pooling}.`);
  }
  return policyEmbeddingExtractor(backend, { pooling: backend.embedPoolings.length ? pooling : "server", variantId: variant.id });
}
