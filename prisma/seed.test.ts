import { describe, expect, it } from "vitest";
import { authenticate } from "../server/auth/credentials";
import { prisma } from "../server/db/prisma";
import { dialogueHash } from "../server/prompts/content-hash";
import { demoPrompts } from "./demo/demo-prompts";
import { demoUsers, seedDemoWorkspaceIfEmpty } from "./seed";
import { turnsFromTexts } from "../server/prompts/turns";

describe("demo workspace", () => {
  it("seeds an empty database once: users of every role, 40+ prompts in the first batch of the first round", async () => {
    expect(await seedDemoWorkspaceIfEmpty(prisma)).toBe(true);
    expect(await seedDemoWorkspaceIfEmpty(prisma)).toBe(false);

    const roles = await prisma.user.groupBy({ by: ["role"], _count: true });
    expect(Object.fromEntries(roles.map((r) => [r.role, r._count]))).toEqual({ ADMIN: 1, RESEARCHER: 1, ANNOTATOR: 3 });
    for (const user of demoUsers) {
      expect(await authenticate({ email: user.email, password: user.password })).toMatchObject({ role: user.role });
    }

    const prompts = (await prisma.prompt.findMany({ include: { responses: true } })).map((p) => ({ ...p, turns: turnsFromTexts(p.turns) }));
    expect(prompts.length).toBeGreaterThanOrEqual(40);
    expect(prompts.length).toBe(demoPrompts.length);
    const safety = prompts.filter((p) => p.protocol === "SAFETY");
    expect(safety.length).toBeGreaterThan(10);
    expect(safety.every((p) => p.riskCategory && p.attackVector)).toBe(true);
    expect(prompts.filter((p) => p.turns.length > 1).length).toBeGreaterThan(5);
    for (const p of prompts) {
      expect(p.turns.map((t) => t.role).join(",")).toMatch(/^USER(,ASSISTANT,USER)*$/);
      expect(p.responses).toHaveLength(2);
      expect(p.contentHash).toBe(
        dialogueHash({ systemPrompt: p.systemPrompt, turns: p.turns.map((t) => ({ role: t.role, content: t.content })) }),
      );
    }

    const round = await prisma.round.findUniqueOrThrow({ where: { number: 1 }, include: { batches: { include: { pairs: true } } } });
    expect(round.status).toBe("ACTIVE");
    expect(round.batches).toHaveLength(1);
    const batch = round.batches[0]!;
    expect(batch.status).toBe("OPEN");
    expect(batch.pairs).toHaveLength(prompts.length);
    expect(batch.pairs.every((p) => p.requiredAnnotations === batch.annotationsPerPair)).toBe(true);
  });

  it("keeps no lorem ipsum and no duplicate dialogues", () => {
    const text = JSON.stringify(demoPrompts).toLowerCase();
    expect(text).not.toContain("lorem");
    expect(new Set(demoPrompts.map((p) => dialogueHash(p))).size).toBe(demoPrompts.length);
  });
});
