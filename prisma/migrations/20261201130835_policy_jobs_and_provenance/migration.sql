-- AlterTable
ALTER TABLE "PolicyVariant" ADD COLUMN     "description" TEXT,
ADD COLUMN     "systemPrompt" TEXT;

-- AlterTable
ALTER TABLE "Response" ADD COLUMN     "durationMs" INTEGER,
ADD COLUMN     "jobId" TEXT,
ADD COLUMN     "tokenCount" INTEGER;

-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "jobId" TEXT;

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "heartbeatAt" TIMESTAMP(3),
ADD COLUMN     "live" JSONB,
ADD COLUMN     "maxAttempts" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "workerId" TEXT;

-- CreateIndex
CREATE INDEX "Response_jobId_idx" ON "Response"("jobId");

