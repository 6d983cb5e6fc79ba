// Policy variants: admins register and retire them; researchers may list them (provenance of
// the responses they read).
import { listVariants, updateVariant } from "../../policy-variants/policy-variants";
import { registerVariant, setVariantRetired } from "../../prompt-writing/writing-settings";
import {
  listVariantsInput,
  retireVariantInput,
  updateVariantInput,
  variantInput,
} from "../../policy-variants/policy-variants.schema";
import { adminProcedure, createTRPCRouter, researcherProcedure } from "../trpc";

export const policyVariantsRouter = createTRPCRouter({
  list: researcherProcedure.input(listVariantsInput).query(({ ctx, input }) => listVariants(ctx.db, input)),
  create: adminProcedure.input(variantInput).mutation(({ ctx, input }) => registerVariant(ctx.db, input)),
  update: adminProcedure.input(updateVariantInput).mutation(({ ctx, input }) => updateVariant(ctx.db, input)),
  retire: adminProcedure.input(retireVariantInput).mutation(({ ctx, input }) => setVariantRetired(ctx.db, input)),
});
