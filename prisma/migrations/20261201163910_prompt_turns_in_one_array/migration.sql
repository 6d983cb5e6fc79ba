-- A prompt's turns move into one array column of the prompt: the user's, the assistant's, ...,
-- ending with the user's. Llama 2's chat format alternates them, so a turn's role is its
-- position, and the stored role was always that (checked below before anything is moved). A
-- row per turn cost an import four table rows, four index entries and their write-ahead log
-- per dialogue; the array costs the prompt's row a few bytes.

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "PromptTurn" WHERE role::text <> CASE WHEN position % 2 = 0 THEN 'USER' ELSE 'ASSISTANT' END) THEN
    RAISE EXCEPTION 'a stored dialogue does not alternate user and assistant turns, user first; fix it before migrating';
  END IF;
END $$;

-- AlterTable
ALTER TABLE "Prompt" ADD COLUMN     "turns" TEXT[];

UPDATE "Prompt" p SET "turns" = t.turns
  FROM (SELECT "promptId", array_agg(content ORDER BY position) AS turns FROM "PromptTurn" GROUP BY "promptId") t
 WHERE t."promptId" = p.id;

-- Every dialogue has its turns, an odd number of them: it ends with the user's.
ALTER TABLE "Prompt" ADD CONSTRAINT "manual_prompt_turns_end_with_user"
  CHECK ("turns" IS NOT NULL AND cardinality("turns") % 2 = 1);

-- DropForeignKey
ALTER TABLE "PromptTurn" DROP CONSTRAINT "PromptTurn_promptId_fkey";

-- DropTable
DROP TABLE "PromptTurn";

-- DropEnum
DROP TYPE "TurnRole";
