-- Rejection-sampling rounds (server/rounds/): a round's lineage, settings and job; the kept best
-- sample per prompt and round (the round's fine-tuning set); the scores that chose a pair.

-- AlterTable
ALTER TABLE "Round" ADD COLUMN     "jobId" TEXT,
ADD COLUMN     "previousRoundId" TEXT,
ADD COLUMN     "settings" JSONB;

-- AlterTable
ALTER TABLE "Pair" ADD COLUMN     "selection" JSONB;

-- CreateTable
CREATE TABLE "RoundKeptSample" (
    "roundId" TEXT NOT NULL,
    "promptId" TEXT NOT NULL,
    "responseId" TEXT NOT NULL,
    "reward" DOUBLE PRECISION NOT NULL,
    "rewardFrom" "RewardModelKind" NOT NULL,
    "flaggedUnsafe" BOOLEAN NOT NULL,
    "candidates" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoundKeptSample_pkey" PRIMARY KEY ("roundId","promptId")
);

-- CreateIndex
CREATE INDEX "RoundKeptSample_responseId_idx" ON "RoundKeptSample"("responseId");

-- CreateIndex
CREATE UNIQUE INDEX "Round_jobId_key" ON "Round"("jobId");

-- CreateIndex
CREATE INDEX "Round_previousRoundId_idx" ON "Round"("previousRoundId");

-- AddForeignKey
ALTER TABLE "Round" ADD CONSTRAINT "Round_previousRoundId_fkey" FOREIGN KEY ("previousRoundId") REFERENCES "Round"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Round" ADD CONSTRAINT "Round_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoundKeptSample" ADD CONSTRAINT "RoundKeptSample_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "Round"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoundKeptSample" ADD CONSTRAINT "RoundKeptSample_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoundKeptSample" ADD CONSTRAINT "RoundKeptSample_responseId_fkey" FOREIGN KEY ("responseId") REFERENCES "Response"("id") ON DELETE CASCADE ON UPDATE CASCADE;

