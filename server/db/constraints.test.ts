// The rules the database itself enforces, whatever the code above it does.
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspaceIfEmpty } from "../../prisma/seed";
import { prisma } from "./prisma";

describe("database constraints", () => {
  beforeAll(async () => {
    await seedDemoWorkspaceIfEmpty(prisma);
  });

  it("makes a second label on the same pair by the same person impossible", async () => {
    const pair = await prisma.pair.findFirstOrThrow();
    const annotator = await prisma.user.findFirstOrThrow({ where: { role: "ANNOTATOR" } });
    const label = {
      pairId: pair.id,
      annotatorId: annotator.id,
      chosen: "A" as const,
      strength: "BETTER" as const,
      leftSide: "A" as const,
      timeOnTaskMs: 4000,
    };
    await prisma.comparison.create({ data: label });
    await expect(prisma.comparison.create({ data: { ...label, chosen: "B" } })).rejects.toMatchObject({ code: "P2002" });
    expect(await prisma.comparison.count({ where: { pairId: pair.id, annotatorId: annotator.id } })).toBe(1);
  });

  it("gives each dialogue one prompt row and each (round, name) one batch", async () => {
    const prompt = await prisma.prompt.findFirstOrThrow();
    await expect(
      prisma.prompt.create({ data: { protocol: "HELPFULNESS", source: "test", contentHash: prompt.contentHash, turns: ["Q"] } }),
    ).rejects.toMatchObject({ code: "P2002" });
    const batch = await prisma.batch.findFirstOrThrow();
    await expect(prisma.batch.create({ data: { roundId: batch.roundId, name: batch.name } })).rejects.toMatchObject({
      code: "P2002",
    });
  });

  it("keeps a prompt's turns a dialogue that ends with the user's turn: some, and an odd number", async () => {
    for (const turns of [undefined, [], ["Q", "A"]]) {
      await expect(
        prisma.prompt.create({ data: { protocol: "HELPFULNESS", source: "test", contentHash: `turns-${JSON.stringify(turns)}`, turns } }),
      ).rejects.toThrow(/manual_prompt_turns_end_with_user/);
    }
    await prisma.prompt.create({ data: { protocol: "HELPFULNESS", source: "test", contentHash: "turns-ok", turns: ["Q", "A", "Q2"] } });
  });
});
