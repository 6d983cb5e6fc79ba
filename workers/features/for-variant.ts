// Which policy variant computes reward features, and its extractor. A llama.cpp variant embeds
// with either pooling; a served one embeds only if its server was started for embeddings, and
// pools as it was started, so it is asked once (a one-input probe) before a job relies on it.
import type { PolicyVariant } from "@prisma/client";
import type { DbOrTx } from "../../server/db/types";
import { refuse } from "../../server/errors/domain-error";
import { backendForVariant } from "../policy/open-backend";
import type { PolicyBackend } from "../policy/policy-backend";
import { type FeaturePooling, type PolicyEmbeddingExtractor, policyEmbeddingExtractor } from "./extractor";
import type { ModelFileHash } from "./model-hash";

export type FeatureVariant = Pick<PolicyVariant, "id" | "name" | "backend" | "modelPath" | "baseUrl" | "modelName">;

export type ExtractorOptions = {
  /** Default: DEFAULT_FEATURE_POOLING for llama.cpp, "server" for a served model. */
  pooling?: FeaturePooling;
  /** How a variant's backend is opened (default backendForVariant: cached per model). */
  open?: (variant: FeatureVariant) => Promise<PolicyBackend>;
  hash?: (modelPath: string) => Promise<ModelFileHash>;
};

/** The extractor of one variant; fails with a message naming the variant and what to change. */
export async function extractorForVariant(variant: FeatureVariant, options: ExtractorOptions = {}): Promise<PolicyEmbeddingExtractor> {
  const named = `Policy variant "${variant.name}"`;
  const fail = (reason: string, cause?: unknown): never => {
    throw refuse("precondition", `${named} cannot compute reward features: ${reason}`, { cause });
  };
  let backend: PolicyBackend;
  try {
    backend = await (options.open ?? backendForVariant)(variant);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error), error);
  }
  if (options.pooling && options.pooling !== "server" && backend.embedPoolings.length === 0) {
    fail(`it is served (${backend.description}), and a server pools as it was started; choose pooling "server" (llama-server --pooling ${options.pooling}).`);
  }
  if (options.pooling === "server" && backend.embedPoolings.length > 0) {
    fail(`it runs here and pools as asked: choose pooling ${backend.embedPoolings.map((p) => `"${p}"`).join(" or ")}.`);
  }
  const extractor = await policyEmbeddingExtractor(backend, { pooling: options.pooling, variantId: variant.id, hash: options.hash }).catch((error: unknown) =>
    fail(error instanceof Error ? error.message : String(error), error),
  );
  if (extractor.dims === null) {
    // A served model: one short input tells whether the server embeds, and the vectors' width.
    try {
      await extractor.embed([extractor.format({ dialogue: { turns: [{ role: "USER", content: "Hello." }] }, response: "Hello." })]);
    } catch (error) {
      fail(
        `${error instanceof Error ? error.message : String(error)} (start the server with embeddings on: llama-server --embeddings --pooling mean or last; vLLM serves embeddings from a separate instance of the model)`,
        error,
      );
    }
  }
  return extractor;
}

/**
 * The extractor for a job: the variant named, or else the first variant in service that can
 * embed (llama.cpp ones first: they pool as asked and need no server). Refuses with every
 * variant's reason when none can.
 */
export async function pickFeatureExtractor(db: DbOrTx, options: ExtractorOptions & { variantId?: string } = {}): Promise<PolicyEmbeddingExtractor> {
  const select = { id: true, name: true, backend: true, modelPath: true, baseUrl: true, modelName: true } as const;
  if (options.variantId) {
    const variant = await db.policyVariant.findUnique({ where: { id: options.variantId }, select });
    if (!variant) throw refuse("not-found", `No policy variant with id ${options.variantId}.`, { field: "variantId" });
    return extractorForVariant(variant, options);
  }
  const variants = await db.policyVariant.findMany({ where: { retiredAt: null }, select, orderBy: { createdAt: "asc" } });
  variants.sort((a, b) => Number(a.backend !== "LLAMA_CPP") - Number(b.backend !== "LLAMA_CPP"));
  const reasons: string[] = [];
  for (const variant of variants) {
    // A served variant cannot pool as asked; with a pooling chosen, only llama.cpp ones qualify.
    if (options.pooling && options.pooling !== "server" && variant.backend !== "LLAMA_CPP") {
      reasons.push(`"${variant.name}" is served and pools as its server was started`);
      continue;
    }
    if (options.pooling === "server" && variant.backend === "LLAMA_CPP") {
      reasons.push(`"${variant.name}" runs here, not on a server`);
      continue;
    }
    try {
      return await extractorForVariant(variant, options);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      reasons.push(message.replace(/^Policy variant (".*?") cannot compute reward features: /, "$1: "));
    }
  }
  throw refuse(
    "precondition",
    variants.length === 0
      ? "No policy variant can compute reward features: none is in service. Register one (a llama.cpp GGUF, or an OpenAI-compatible server started with embeddings)."
      : `No policy variant can compute reward features. ${reasons.join("; ")}.`,
  );
}

/**
 * An extractor giving exactly the features of `key` (a reward model's FeatureSpace key), for
 * scoring with a trained head: the variant it was trained with first (retired or not), then any
 * variant in service over the same weights. Refuses when none gives that identity any more (the
 * GGUF changed, the variant is gone, the server serves another model).
 */
export async function extractorWithKey(db: DbOrTx, key: string, options: Omit<ExtractorOptions, "pooling"> & { variantId?: string | null } = {}): Promise<PolicyEmbeddingExtractor> {
  let identity: { kind?: unknown; pooling?: unknown };
  try {
    identity = JSON.parse(key) as typeof identity;
  } catch {
    throw refuse("invalid", `Not a feature extractor key: ${key.slice(0, 200)}`);
  }
  if (identity.kind !== "policy-embedding" || !["mean", "last", "server"].includes(String(identity.pooling))) {
    throw refuse("invalid", `This worker has no extractor of the kind in ${key.slice(0, 200)}.`);
  }
  const pooling = identity.pooling as FeaturePooling;
  const select = { id: true, name: true, backend: true, modelPath: true, baseUrl: true, modelName: true } as const;
  const recorded = options.variantId ? await db.policyVariant.findUnique({ where: { id: options.variantId }, select }) : null;
  const others = await db.policyVariant.findMany({ where: { retiredAt: null, ...(recorded ? { id: { not: recorded.id } } : {}) }, select, orderBy: { createdAt: "asc" } });
  const reasons: string[] = [];
  for (const variant of [...(recorded ? [recorded] : []), ...others]) {
    if ((pooling === "server") !== (variant.backend === "OPENAI_COMPATIBLE")) continue;
    try {
      const extractor = await extractorForVariant(variant, { ...options, pooling });
      if (extractor.key === key) return extractor;
      reasons.push(`"${variant.name}" gives ${extractor.key}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      reasons.push(message.replace(/^Policy variant (".*?") cannot compute reward features: /, "$1: "));
    }
  }
  throw refuse(
    "precondition",
    `No policy variant gives the features ${key} any more (the model file changed, its variant is gone, or the server serves another model)` +
      (reasons.length ? `: ${reasons.join("; ")}.` : "."),
  );
}
