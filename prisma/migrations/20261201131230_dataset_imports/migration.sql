-- CreateEnum
CREATE TYPE "ImportKind" AS ENUM ('PROMPTS', 'PREFERENCES');

-- AlterTable
ALTER TABLE "Prompt" ADD COLUMN     "importId" TEXT;

-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "importId" TEXT;

-- AlterTable
ALTER TABLE "Pair" ADD COLUMN     "contentHash" TEXT;

-- AlterTable
ALTER TABLE "Comparison" ADD COLUMN     "importId" TEXT,
ADD COLUMN     "importKey" TEXT,
ALTER COLUMN "annotatorId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "DatasetImport" (
    "id" TEXT NOT NULL,
    "kind" "ImportKind" NOT NULL,
    "sourceName" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "licence" TEXT,
    "jobId" TEXT,
    "rows" INTEGER NOT NULL,
    "inserted" INTEGER NOT NULL,
    "duplicates" INTEGER NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DatasetImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DatasetImport_sourceName_idx" ON "DatasetImport"("sourceName");

-- CreateIndex
CREATE INDEX "Prompt_importId_idx" ON "Prompt"("importId");

-- CreateIndex
CREATE UNIQUE INDEX "Batch_importId_key" ON "Batch"("importId");

-- CreateIndex
CREATE UNIQUE INDEX "Pair_contentHash_key" ON "Pair"("contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "Comparison_importKey_key" ON "Comparison"("importKey");

-- CreateIndex
CREATE INDEX "Comparison_importId_idx" ON "Comparison"("importId");

-- AddForeignKey
ALTER TABLE "Prompt" ADD CONSTRAINT "Prompt_importId_fkey" FOREIGN KEY ("importId") REFERENCES "DatasetImport"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_importId_fkey" FOREIGN KEY ("importId") REFERENCES "DatasetImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comparison" ADD CONSTRAINT "Comparison_importId_fkey" FOREIGN KEY ("importId") REFERENCES "DatasetImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetImport" ADD CONSTRAINT "DatasetImport_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- An imported dataset's pairs already carry their labels: its batch must never be OPEN, so the
-- queue (manual_lease_next_pair serves OPEN batches only) never gives them to an annotator,
-- whatever code changes a batch's status.
CREATE FUNCTION manual_import_batch_never_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."importId" IS NOT NULL AND NEW.status = 'OPEN' THEN
    RAISE EXCEPTION 'batch "%" holds an imported dataset and cannot be opened for annotation', NEW.name
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER manual_import_batch_never_open BEFORE INSERT OR UPDATE OF status, "importId" ON "Batch"
  FOR EACH ROW EXECUTE FUNCTION manual_import_batch_never_open();
