// Who may call each procedure and route handler, declared in one place. The procedure bases in
// trpc.ts and the handlers' own checks enforce it; server/trpc/access.test.ts calls every
// procedure and these handlers as every role (and signed out) and fails if behaviour and this
// table differ, if an allowed call crashes, or if a procedure has no line here.
import type { Role } from "@prisma/client";

export type Access = "public" | "signed-in" | readonly Role[];

export const procedureAccess: Record<string, Access> = {
  "health.check": "public",
  "health.details": ["ADMIN"],
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
  "jobs.watch": ["ADMIN"],
  "jobs.watchList": ["ADMIN"],
  // Whatever the role, only the caller's own prompt-writing job (as promptWriting.job).
  "jobs.watchWriting": ["ANNOTATOR", "ADMIN"],
  "jobs.workers": ["ADMIN"],
  "jobs.cancel": ["ADMIN"],
  "jobs.retry": ["ADMIN"],
  "policyVariants.list": ["RESEARCHER", "ADMIN"],
  "policyVariants.create": ["ADMIN"],
  "policyVariants.update": ["ADMIN"],
  "policyVariants.retire": ["ADMIN"],
  "pairGeneration.options": ["ADMIN"],
  "pairGeneration.start": ["ADMIN"],
  "rewardModels.list": ["RESEARCHER", "ADMIN"],
  "rewardModels.get": ["RESEARCHER", "ADMIN"],
  "rewardModels.compare": ["RESEARCHER", "ADMIN"],
  "rewardModels.accuracyOnBatches": ["RESEARCHER", "ADMIN"],
  "rewardModels.annotatorAgreement": ["RESEARCHER", "ADMIN"],
  "rewardModels.trainingOptions": ["ADMIN"],
  "rewardModels.train": ["ADMIN"],
  "rewardModels.score": ["ADMIN"],
  "rewardModels.activate": ["ADMIN"],
  "rewardModels.retire": ["ADMIN"],
  "rounds.setupOptions": ["ADMIN"],
  "rounds.start": ["ADMIN"],
  "rounds.discard": ["ADMIN"],
  "rounds.complete": ["ADMIN"],
  "promptWriting.lastDialogue": ["ANNOTATOR", "ADMIN"],
  "promptWriting.write": ["ANNOTATOR", "ADMIN"],
  "promptWriting.job": ["ANNOTATOR", "ADMIN"],
  "promptWriting.retry": ["ANNOTATOR", "ADMIN"],
  "promptWriting.settings": ["ADMIN"],
  "promptWriting.saveSettings": ["ADMIN"],
  "import.start": ["ADMIN"],
  "import.list": ["ADMIN"],
  "import.prompts": ["ADMIN"],
};

/** The route handlers under app/api that take a session cookie or an API token (next-auth's own excepted). */
export const routeAccess: Record<string, Access> = {
  "GET /api/health": "public", // up or down for anyone; the details for admins only
  "GET /api/export": ["RESEARCHER", "ADMIN"],
  "POST /api/import": ["ADMIN"],
  "POST /api/import/upload": ["ADMIN"],
};
