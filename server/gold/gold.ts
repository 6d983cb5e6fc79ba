// Gold pairs: pairs with a known answer, mixed into queues at each batch's goldRate (see the
// lease function), against which each annotator's accuracy is kept.
import type { DbOrTx } from "../db/types";
import type { SetGoldInput } from "./gold.schema";
import { refuse } from "../errors/domain-error";

export async function setGold(db: DbOrTx, input: SetGoldInput) {
  const pair = await db.pair.findUnique({ where: { id: input.pairId }, include: { prompt: { select: { protocol: true } } } });
  if (!pair) throw refuse("not-found", `No pair with id ${input.pairId}.`);
  const gold = input.gold;
  if (gold?.safetyLabel && pair.prompt.protocol !== "SAFETY") {
    throw refuse("invalid", "safetyLabel: only safety-protocol pairs take a safety label.");
  }
  return db.pair.update({
    where: { id: input.pairId },
    data: {
      isGold: gold !== null,
      goldChoice: gold?.choice ?? null,
      goldStrength: gold?.strength ?? null,
      goldSafetyLabel: gold?.safetyLabel ?? null,
    },
    select: { id: true, isGold: true, goldChoice: true, goldStrength: true, goldSafetyLabel: true },
  });
}

export type GoldAccuracy = {
  annotatorId: string;
  name: string;
  goldAnswered: number;
  /** Share of gold pairs where the annotator chose the expected response. */
  choiceAccuracy: number | null;
  /** Among gold pairs with an expected strength, share answered with exactly that strength. */
  strengthAccuracy: number | null;
};

export function goldAccuracy(db: DbOrTx): Promise<GoldAccuracy[]> {
  return db.$queryRaw<GoldAccuracy[]>`
    SELECT u.id AS "annotatorId", u.name,
           count(c.id)::int AS "goldAnswered",
           avg((c.chosen = p."goldChoice")::int)::float8 AS "choiceAccuracy",
           avg((c.strength = p."goldStrength")::int) FILTER (WHERE p."goldStrength" IS NOT NULL)::float8 AS "strengthAccuracy"
    FROM "Comparison" c
    JOIN "Pair" p ON p.id = c."pairId" AND p."isGold"
    JOIN "User" u ON u.id = c."annotatorId"
    GROUP BY u.id, u.name
    ORDER BY u.name`;
}
