-- AlterTable
ALTER TABLE "RewardModel" ADD COLUMN     "backend" TEXT,
ADD COLUMN     "featureDims" INTEGER,
ADD COLUMN     "featureVariantId" TEXT,
ADD COLUMN     "retiredAt" TIMESTAMP(3),
ADD COLUMN     "settings" JSONB,
ADD COLUMN     "snapshot" JSONB;

-- CreateTable
CREATE TABLE "RewardModelExample" (
    "id" BIGSERIAL NOT NULL,
    "rewardModelId" TEXT NOT NULL,
    "pairId" TEXT NOT NULL,
    "chosenResponseId" TEXT NOT NULL,
    "rejectedResponseId" TEXT NOT NULL,
    "strength" "Strength" NOT NULL,
    "split" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "comparisonIds" TEXT[],

    CONSTRAINT "RewardModelExample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardScore" (
    "rewardModelId" TEXT NOT NULL,
    "responseId" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "probability" DOUBLE PRECISION,
    "jobId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RewardScore_pkey" PRIMARY KEY ("rewardModelId","responseId")
);

-- CreateIndex
CREATE INDEX "RewardModelExample_rewardModelId_split_idx" ON "RewardModelExample"("rewardModelId", "split");

-- CreateIndex
CREATE INDEX "RewardScore_responseId_idx" ON "RewardScore"("responseId");

-- AddForeignKey
ALTER TABLE "RewardModel" ADD CONSTRAINT "RewardModel_featureVariantId_fkey" FOREIGN KEY ("featureVariantId") REFERENCES "PolicyVariant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RewardModelExample" ADD CONSTRAINT "RewardModelExample_rewardModelId_fkey" FOREIGN KEY ("rewardModelId") REFERENCES "RewardModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RewardScore" ADD CONSTRAINT "RewardScore_rewardModelId_fkey" FOREIGN KEY ("rewardModelId") REFERENCES "RewardModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RewardScore" ADD CONSTRAINT "RewardScore_responseId_fkey" FOREIGN KEY ("responseId") REFERENCES "Response"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- At most one active reward model per kind (hand-written: Prisma has no partial indexes).
CREATE UNIQUE INDEX "manual_reward_model_one_active" ON "RewardModel" ("kind") WHERE active;
