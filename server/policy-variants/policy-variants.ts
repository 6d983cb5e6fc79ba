// Policy variants: the live models (or one model under different system prompts and sampling
// defaults) that pair generation and prompt writing sample from. Registering one only records
// where it lives; the web process never loads a model (workers do, in workers/policy/).
import { type PolicyVariant } from "@prisma/client";
import type { DbOrTx } from "../db/types";
import { baseUrlRefusal } from "./allowed-hosts";
import { modelPathRefusal } from "./model-dirs";
import {
  LLAMA2_SAMPLING_DEFAULTS,
  type RetireVariantInput,
  type SamplingDefaults,
  samplingDefaultsSchema,
  type UpdateVariantInput,
  type VariantInput,
} from "./policy-variants.schema";
import { refuse } from "../errors/domain-error";
import { isUniqueViolation } from "../db/sql-errors";

/** The variant's sampling defaults; a row written without them (or with a partial set) gets Llama 2-Chat's. */
export function variantDefaults(variant: Pick<PolicyVariant, "defaults">): SamplingDefaults {
  const stored = variant.defaults && typeof variant.defaults === "object" ? variant.defaults : {};
  const parsed = samplingDefaultsSchema.safeParse({ ...LLAMA2_SAMPLING_DEFAULTS, ...stored });
  return parsed.success ? parsed.data : LLAMA2_SAMPLING_DEFAULTS;
}

export async function listVariants(db: DbOrTx, options: { includeRetired: boolean }) {
  const rows = await db.policyVariant.findMany({
    where: options.includeRetired ? {} : { retiredAt: null },
    // Active first, then in the order they were registered.
    orderBy: [{ retiredAt: { sort: "desc", nulls: "first" } }, { createdAt: "asc" }, { id: "asc" }],
    include: { _count: { select: { responses: true } } },
  });
  return rows.map(({ _count, ...v }) => ({ ...v, defaults: variantDefaults(v), responseCount: _count.responses }));
}

function nameTaken(error: unknown, name: string): never {
  if (isUniqueViolation(error)) {
    throw refuse("conflict", `name: a variant named "${name}" already exists; choose another name.`);
  }
  throw error;
}

function rowData(input: VariantInput) {
  const refusal = input.modelPath ? modelPathRefusal(input.modelPath) : null;
  if (refusal) throw refuse("invalid", `modelPath: ${refusal}`, { field: "modelPath" });
  const hostRefusal = input.baseUrl ? baseUrlRefusal(input.baseUrl) : null;
  if (hostRefusal) throw refuse("invalid", `baseUrl: ${hostRefusal}`, { field: "baseUrl" });
  return {
    name: input.name,
    backend: input.backend,
    modelPath: input.modelPath,
    baseUrl: input.baseUrl,
    modelName: input.modelName,
    apiKeyEnv: input.apiKeyEnv,
    defaults: input.defaults,
    systemPrompt: input.systemPrompt,
    description: input.description,
  };
}

export async function createVariant(db: DbOrTx, input: VariantInput) {
  const data = rowData(input);
  try {
    return await db.policyVariant.create({ data });
  } catch (error) {
    nameTaken(error, input.name);
  }
}

async function findVariantOrThrow(db: DbOrTx, variantId: string) {
  const variant = await db.policyVariant.findUnique({ where: { id: variantId } });
  if (!variant) throw refuse("not-found", `variantId: no policy variant with id ${variantId}.`);
  return variant;
}

/**
 * Changes a variant in place. Responses already sampled keep their own provenance (temperature,
 * top-p, max tokens, seed are stored on each response), so editing defaults rewrites no history;
 * a changed model file or URL is a new model and deserves a new variant, which the page says.
 */
export async function updateVariant(db: DbOrTx, input: UpdateVariantInput) {
  await findVariantOrThrow(db, input.variantId);
  const data = rowData(input.variant);
  try {
    return await db.policyVariant.update({ where: { id: input.variantId }, data });
  } catch (error) {
    nameTaken(error, input.variant.name);
  }
}

/** A retired variant keeps its responses but cannot be chosen for new jobs. Not deleted: provenance. */
export async function retireVariant(db: DbOrTx, input: RetireVariantInput) {
  const variant = await findVariantOrThrow(db, input.variantId);
  return db.policyVariant.update({
    where: { id: input.variantId },
    data: { retiredAt: input.retired ? (variant.retiredAt ?? new Date()) : null },
  });
}

/** The variant for a new job: it must exist and not be retired. `field` names it in the error. */
export async function activeVariantOrThrow(db: DbOrTx, variantId: string, field: string) {
  const variant = await db.policyVariant.findUnique({ where: { id: variantId } });
  if (!variant) throw refuse("invalid", `${field}: no policy variant with id ${variantId}.`);
  if (variant.retiredAt) throw refuse("invalid", `${field}: variant "${variant.name}" is retired.`);
  return variant;
}
