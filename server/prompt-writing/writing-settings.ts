// Which two sides prompt writing samples from, as an admin set them (Admin → Policy variants);
// without a setting, or when a variant it names was retired or removed, the first active
// variants are used (writingSides).
import type { PolicyVariant } from "@prisma/client";
import type { DbOrTx } from "../db/types";
import { activeVariantOrThrow, createVariant, retireVariant, variantDefaults } from "../policy-variants/policy-variants";
import type { RetireVariantInput, VariantInput } from "../policy-variants/policy-variants.schema";
import { type WritingSettings, writingSettingsSchema } from "./prompt-writing.schema";
import { refuse } from "../errors/domain-error";

export const WRITING_SETTINGS_KEY = "prompt-writing.sides";

/** The stored setting, or null (none, or no longer valid against the schema). */
export async function readWritingSettings(db: DbOrTx): Promise<WritingSettings | null> {
  const row = await db.setting.findUnique({ where: { key: WRITING_SETTINGS_KEY } });
  const parsed = row ? writingSettingsSchema.safeParse(row.value) : null;
  return parsed?.success ? parsed.data : null;
}

/** Sets the sides (checked: both variants active) or, with null, goes back to the first active variants. */
export async function saveWritingSettings(db: DbOrTx, settings: WritingSettings | null) {
  if (!settings) {
    await db.setting.deleteMany({ where: { key: WRITING_SETTINGS_KEY } });
    return null;
  }
  await activeVariantOrThrow(db, settings.a.variantId, "a.variantId");
  await activeVariantOrThrow(db, settings.b.variantId, "b.variantId");
  await db.setting.upsert({
    where: { key: WRITING_SETTINGS_KEY },
    create: { key: WRITING_SETTINGS_KEY, value: settings },
    update: { value: settings },
  });
  return settings;
}

/** Two sides for written prompts without a setting: the first two active variants at their
 *  default temperatures, or the only one at two temperatures (Llama 2 sampled two variants
 *  and/or temperatures). */
export function defaultWritingSides(variants: Pick<PolicyVariant, "id" | "defaults">[]): WritingSettings {
  const [first, second] = variants;
  if (!first) {
    throw refuse("precondition", "No policy model is registered yet: ask an admin to add a variant.");
  }
  const a = variantDefaults(first);
  if (second) {
    const b = variantDefaults(second);
    return { a: { variantId: first.id, temperature: a.temperature }, b: { variantId: second.id, temperature: b.temperature }, topP: a.topP, maxTokens: Math.min(a.maxTokens, b.maxTokens) };
  }
  // A second temperature 0.4 away: hotter up to 1.0, cooler above, like Llama 2's pairs of a
  // cooler and a hotter sample of one model.
  const other = Math.round((a.temperature <= 1 ? a.temperature + 0.4 : a.temperature - 0.4) * 100) / 100;
  return { a: { variantId: first.id, temperature: a.temperature }, b: { variantId: first.id, temperature: other }, topP: a.topP, maxTokens: a.maxTokens };
}

/** The sides a newly written prompt is sampled from: the admin's setting while its variants are
 *  active, else the default. */
export async function writingSides(db: DbOrTx): Promise<WritingSettings & { source: "setting" | "default" }> {
  const active = await db.policyVariant.findMany({ where: { retiredAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, defaults: true } });
  const settings = await readWritingSettings(db);
  const activeIds = new Set(active.map((v) => v.id));
  if (settings && activeIds.has(settings.a.variantId) && activeIds.has(settings.b.variantId)) return { ...settings, source: "setting" };
  return { ...defaultWritingSides(active.slice(0, 2)), source: "default" };
}

/**
 * Before a variant is registered or restored: while no sides are saved, the sides in use now
 * (the default) are saved, so the new variant does not silently change which variants answer
 * annotators' written prompts; an admin changes them on purpose (Admin → Policy variants).
 * Returns whether it saved them.
 */
export async function keepWritingSides(db: DbOrTx): Promise<boolean> {
  const active = await db.policyVariant.count({ where: { retiredAt: null } });
  if (active === 0) return false;
  const sides = await writingSides(db);
  if (sides.source === "setting") return false;
  const { source: _source, ...settings } = sides;
  await saveWritingSettings(db, settings);
  return true;
}

/** Registers a variant without changing what answers written prompts (keepWritingSides). */
export async function registerVariant(db: DbOrTx, input: VariantInput) {
  await keepWritingSides(db);
  return createVariant(db, input);
}

/** Retires or restores a variant; a restored one does not change what answers written prompts. */
export async function setVariantRetired(db: DbOrTx, input: RetireVariantInput) {
  if (!input.retired) await keepWritingSides(db);
  return retireVariant(db, input);
}
