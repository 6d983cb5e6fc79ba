// Who may call each procedure, declared in one place. The procedure bases in trpc.ts enforce
// it; server/trpc/access.test.ts calls every procedure as every role (and signed out) and
// fails if behaviour and this table differ, or if a procedure has no line here.
import type { Role } from "@prisma/client";

export type Access = "public" | "signed-in" | readonly Role[];

export const procedureAccess: Record<string, Access> = {
  "health.check": "public",
  "me.get": "signed-in",
  "users.list": ["ADMIN"],
  "users.create": ["ADMIN"],
  "users.changeRole": ["ADMIN"],
  "users.setActive": ["ADMIN"],
  "annotate.current": ["ANNOTATOR", "ADMIN"],
  "annotate.progress": ["ANNOTATOR", "ADMIN"],
  "annotate.submit": ["ANNOTATOR", "ADMIN"],
  "annotate.skip": ["ANNOTATOR", "ADMIN"],
  "annotate.flag": ["ANNOTATOR", "ADMIN"],
  "annotate.undo": ["ANNOTATOR", "ADMIN"],
  "dashboard.batches": ["RESEARCHER", "ADMIN"],
  "dashboard.goldAccuracy": ["RESEARCHER", "ADMIN"],
  "dashboard.filterOptions": ["RESEARCHER", "ADMIN"],
  "dashboard.overTime": ["RESEARCHER", "ADMIN"],
  "dashboard.distributions": ["RESEARCHER", "ADMIN"],
  "dashboard.annotators": ["RESEARCHER", "ADMIN"],
  "dashboard.agreement": ["RESEARCHER", "ADMIN"],
  "batches.list": ["RESEARCHER", "ADMIN"],
  "batches.pairs": ["RESEARCHER", "ADMIN"],
  "batches.setGold": ["RESEARCHER", "ADMIN"],
  "batches.update": ["ADMIN"],
  "apiTokens.list": ["RESEARCHER", "ADMIN"],
  "apiTokens.create": ["RESEARCHER", "ADMIN"],
  "apiTokens.revoke": ["RESEARCHER", "ADMIN"],
  "jobs.list": ["ADMIN"],
  "jobs.get": ["ADMIN"],
  "jobs.workers": ["ADMIN"],
  "jobs.cancel": ["ADMIN"],
  "jobs.retry": ["ADMIN"],
  "policyVariants.list": ["RESEARCHER", "ADMIN"],
  "policyVariants.create": ["ADMIN"],
  "policyVariants.update": ["ADMIN"],
  "policyVariants.retire": ["ADMIN"],
  "pairGeneration.options": ["ADMIN"],
  "pairGeneration.start": ["ADMIN"],
};
