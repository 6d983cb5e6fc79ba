// The demo workspace, written into an empty database on first start: one admin, one
// researcher, three annotators, and the starter prompts of prisma/demo/demo-prompts.ts as the
// first batch of the first round. The passwords are for the demo only (README).
import type { PrismaClient } from "@prisma/client";
import { DEMO_ACCOUNTS } from "../server/auth/demo-accounts";
import { hashPassword } from "../server/auth/password";
import { dialogueHash } from "../server/prompts/content-hash";
import { textsFromTurns } from "../server/prompts/turns";
import { demoPrompts } from "./demo/demo-prompts";

/** The demo accounts (server/auth/demo-accounts.ts: the web app also checks whether they still
 *  have these published passwords). */
export const demoUsers = DEMO_ACCOUNTS;

/** Overlap of the demo batch: every pair goes to all three annotators, so agreement can be measured. */
const DEMO_OVERLAP = 3;

/** Seeds the demo workspace when the database has no users. Returns whether it did. */
export async function seedDemoWorkspaceIfEmpty(db: PrismaClient): Promise<boolean> {
  if ((await db.user.count()) > 0) return false;
  const passwordHashes = await Promise.all(demoUsers.map((u) => hashPassword(u.password)));

  await db.$transaction(
    async (tx) => {
      const users = await Promise.all(
        demoUsers.map((u, i) =>
          tx.user.create({ data: { email: u.email, name: u.name, role: u.role, passwordHash: passwordHashes[i] } }),
        ),
      );
      const admin = users[0]!;
      const round = await tx.round.create({ data: { number: 1, name: "RLHF-V1", status: "ACTIVE" } });
      const batch = await tx.batch.create({
        data: {
          roundId: round.id,
          name: "Batch 1",
          status: "OPEN",
          annotationsPerPair: DEMO_OVERLAP,
          openedAt: new Date(),
        },
      });
      for (const [n, demo] of demoPrompts.entries()) {
        const prompt = await tx.prompt.create({
          data: {
            protocol: demo.protocol,
            systemPrompt: demo.systemPrompt ?? null,
            riskCategory: demo.riskCategory ?? null,
            attackVector: demo.attackVector ?? null,
            source: "demo",
            contentHash: dialogueHash(demo),
            createdById: admin.id,
            turns: textsFromTurns(demo.turns),
          },
        });
        const [a, b] = await Promise.all(
          demo.responses.map((text) =>
            tx.response.create({ data: { promptId: prompt.id, text, source: "demo", roundId: round.id } }),
          ),
        );
        await tx.pair.create({
          data: {
            // Stable ids, so every install's demo has the same held-out pairs (the export's and
            // the reward models' hash split of the pair id): three helpfulness and two safety
            // pairs at the default 10%.
            id: `demo-pair-${n + 1}`,
            batchId: batch.id,
            promptId: prompt.id,
            responseAId: a!.id,
            responseBId: b!.id,
            requiredAnnotations: DEMO_OVERLAP,
            strategy: "demo",
          },
        });
      }
    },
    { timeout: 60_000 },
  );
  return true;
}

export function demoCredentialsText(): string {
  const lines = demoUsers.map((u) => `  ${u.role.padEnd(10)} ${u.email.padEnd(24)} ${u.password}`);
  return ["Demo workspace created. Sign in with (demo only, change or deactivate before real use):", ...lines].join("\n");
}
