-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ANNOTATOR', 'RESEARCHER', 'ADMIN');

-- CreateEnum
CREATE TYPE "Protocol" AS ENUM ('HELPFULNESS', 'SAFETY');

-- CreateEnum
CREATE TYPE "TurnRole" AS ENUM ('USER', 'ASSISTANT');

-- CreateEnum
CREATE TYPE "Side" AS ENUM ('A', 'B');

-- CreateEnum
CREATE TYPE "Strength" AS ENUM ('SIGNIFICANTLY_BETTER', 'BETTER', 'SLIGHTLY_BETTER', 'NEGLIGIBLY_BETTER_OR_UNSURE');

-- CreateEnum
CREATE TYPE "SafetyLabel" AS ENUM ('CHOSEN_SAFE_OTHER_UNSAFE', 'BOTH_SAFE', 'BOTH_UNSAFE');

-- CreateEnum
CREATE TYPE "RoundStatus" AS ENUM ('PLANNED', 'ACTIVE', 'COMPLETE');

-- CreateEnum
CREATE TYPE "BatchStatus" AS ENUM ('DRAFT', 'OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "PolicyBackend" AS ENUM ('LLAMA_CPP', 'OPENAI_COMPATIBLE');

-- CreateEnum
CREATE TYPE "RewardModelKind" AS ENUM ('HELPFULNESS', 'SAFETY');

-- CreateEnum
CREATE TYPE "RewardModelStatus" AS ENUM ('TRAINING', 'READY', 'FAILED');

-- CreateEnum
CREATE TYPE "JobType" AS ENUM ('POLICY_SAMPLING', 'EMBEDDING', 'REWARD_TRAINING', 'REWARD_SCORING', 'REJECTION_SAMPLING', 'PAIR_GENERATION', 'IMPORT', 'EXPORT');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "role" "Role" NOT NULL DEFAULT 'ANNOTATOR',
    "deactivatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Prompt" (
    "id" TEXT NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "systemPrompt" TEXT,
    "riskCategory" TEXT,
    "attackVector" TEXT,
    "source" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Prompt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromptTurn" (
    "promptId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "role" "TurnRole" NOT NULL,
    "content" TEXT NOT NULL,

    CONSTRAINT "PromptTurn_pkey" PRIMARY KEY ("promptId","position")
);

-- CreateTable
CREATE TABLE "PolicyVariant" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "backend" "PolicyBackend" NOT NULL,
    "modelPath" TEXT,
    "baseUrl" TEXT,
    "modelName" TEXT,
    "defaults" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "PolicyVariant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Response" (
    "id" TEXT NOT NULL,
    "promptId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "policyVariantId" TEXT,
    "temperature" DOUBLE PRECISION,
    "topP" DOUBLE PRECISION,
    "maxTokens" INTEGER,
    "seed" INTEGER,
    "source" TEXT,
    "roundId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Response_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Round" (
    "id" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" "RoundStatus" NOT NULL DEFAULT 'PLANNED',
    "policyVariantId" TEXT,
    "helpfulnessRewardModelId" TEXT,
    "safetyRewardModelId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Round_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Batch" (
    "id" TEXT NOT NULL,
    "roundId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "BatchStatus" NOT NULL DEFAULT 'DRAFT',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "annotationsPerPair" INTEGER NOT NULL DEFAULT 1,
    "goldRate" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "openedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "Batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Pair" (
    "id" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "promptId" TEXT NOT NULL,
    "responseAId" TEXT NOT NULL,
    "responseBId" TEXT NOT NULL,
    "requiredAnnotations" INTEGER NOT NULL DEFAULT 1,
    "annotationCount" INTEGER NOT NULL DEFAULT 0,
    "strategy" TEXT NOT NULL,
    "isGold" BOOLEAN NOT NULL DEFAULT false,
    "goldChoice" "Side",
    "goldStrength" "Strength",
    "goldSafetyLabel" "SafetyLabel",
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Pair_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Assignment" (
    "id" TEXT NOT NULL,
    "pairId" TEXT NOT NULL,
    "annotatorId" TEXT NOT NULL,
    "leftSide" "Side" NOT NULL,
    "leasedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),
    "skippedAt" TIMESTAMP(3),
    "skipReason" TEXT,
    "flagReason" TEXT,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Comparison" (
    "id" TEXT NOT NULL,
    "pairId" TEXT NOT NULL,
    "annotatorId" TEXT NOT NULL,
    "assignmentId" TEXT,
    "chosen" "Side" NOT NULL,
    "strength" "Strength" NOT NULL,
    "safetyLabel" "SafetyLabel",
    "leftSide" "Side" NOT NULL,
    "timeOnTaskMs" INTEGER NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Comparison_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardModel" (
    "id" TEXT NOT NULL,
    "kind" "RewardModelKind" NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "RewardModelStatus" NOT NULL DEFAULT 'TRAINING',
    "active" BOOLEAN NOT NULL DEFAULT false,
    "metrics" JSONB,
    "artifactUri" TEXT,
    "featureExtractor" TEXT,
    "trainingJobId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RewardModel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "type" "JobType" NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "progressMessage" TEXT,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB,
    "error" TEXT,
    "queueJobId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobLogLine" (
    "id" BIGSERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" TEXT NOT NULL DEFAULT 'info',
    "message" TEXT NOT NULL,

    CONSTRAINT "JobLogLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkerProcess" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkerProcess_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Prompt_contentHash_key" ON "Prompt"("contentHash");

-- CreateIndex
CREATE INDEX "Prompt_protocol_createdAt_idx" ON "Prompt"("protocol", "createdAt");

-- CreateIndex
CREATE INDEX "Prompt_source_idx" ON "Prompt"("source");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyVariant_name_key" ON "PolicyVariant"("name");

-- CreateIndex
CREATE INDEX "Response_promptId_idx" ON "Response"("promptId");

-- CreateIndex
CREATE INDEX "Response_roundId_idx" ON "Response"("roundId");

-- CreateIndex
CREATE UNIQUE INDEX "Round_number_key" ON "Round"("number");

-- CreateIndex
CREATE INDEX "Batch_status_priority_idx" ON "Batch"("status", "priority");

-- CreateIndex
CREATE UNIQUE INDEX "Batch_roundId_name_key" ON "Batch"("roundId", "name");

-- CreateIndex
CREATE INDEX "Pair_batchId_annotationCount_idx" ON "Pair"("batchId", "annotationCount");

-- CreateIndex
CREATE INDEX "Pair_promptId_idx" ON "Pair"("promptId");

-- CreateIndex
CREATE INDEX "Assignment_annotatorId_completedAt_idx" ON "Assignment"("annotatorId", "completedAt");

-- CreateIndex
CREATE INDEX "Assignment_pairId_expiresAt_idx" ON "Assignment"("pairId", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_pairId_annotatorId_key" ON "Assignment"("pairId", "annotatorId");

-- CreateIndex
CREATE UNIQUE INDEX "Comparison_assignmentId_key" ON "Comparison"("assignmentId");

-- CreateIndex
CREATE INDEX "Comparison_annotatorId_createdAt_idx" ON "Comparison"("annotatorId", "createdAt");

-- CreateIndex
CREATE INDEX "Comparison_createdAt_idx" ON "Comparison"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Comparison_pairId_annotatorId_key" ON "Comparison"("pairId", "annotatorId");

-- CreateIndex
CREATE UNIQUE INDEX "RewardModel_trainingJobId_key" ON "RewardModel"("trainingJobId");

-- CreateIndex
CREATE UNIQUE INDEX "RewardModel_kind_version_key" ON "RewardModel"("kind", "version");

-- CreateIndex
CREATE INDEX "Job_status_createdAt_idx" ON "Job"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Job_type_createdAt_idx" ON "Job"("type", "createdAt");

-- CreateIndex
CREATE INDEX "JobLogLine_jobId_id_idx" ON "JobLogLine"("jobId", "id");

-- AddForeignKey
ALTER TABLE "Prompt" ADD CONSTRAINT "Prompt_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptTurn" ADD CONSTRAINT "PromptTurn_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Response" ADD CONSTRAINT "Response_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Response" ADD CONSTRAINT "Response_policyVariantId_fkey" FOREIGN KEY ("policyVariantId") REFERENCES "PolicyVariant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Response" ADD CONSTRAINT "Response_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "Round"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Round" ADD CONSTRAINT "Round_policyVariantId_fkey" FOREIGN KEY ("policyVariantId") REFERENCES "PolicyVariant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Round" ADD CONSTRAINT "Round_helpfulnessRewardModelId_fkey" FOREIGN KEY ("helpfulnessRewardModelId") REFERENCES "RewardModel"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Round" ADD CONSTRAINT "Round_safetyRewardModelId_fkey" FOREIGN KEY ("safetyRewardModelId") REFERENCES "RewardModel"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "Round"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pair" ADD CONSTRAINT "Pair_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pair" ADD CONSTRAINT "Pair_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pair" ADD CONSTRAINT "Pair_responseAId_fkey" FOREIGN KEY ("responseAId") REFERENCES "Response"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pair" ADD CONSTRAINT "Pair_responseBId_fkey" FOREIGN KEY ("responseBId") REFERENCES "Response"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_pairId_fkey" FOREIGN KEY ("pairId") REFERENCES "Pair"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_annotatorId_fkey" FOREIGN KEY ("annotatorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comparison" ADD CONSTRAINT "Comparison_pairId_fkey" FOREIGN KEY ("pairId") REFERENCES "Pair"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comparison" ADD CONSTRAINT "Comparison_annotatorId_fkey" FOREIGN KEY ("annotatorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comparison" ADD CONSTRAINT "Comparison_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RewardModel" ADD CONSTRAINT "RewardModel_trainingJobId_fkey" FOREIGN KEY ("trainingJobId") REFERENCES "Job"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobLogLine" ADD CONSTRAINT "JobLogLine_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

