-- AlterTable
ALTER TABLE "PolicyVariant" ADD COLUMN     "apiKeyEnv" TEXT;


-- Served variants registered before this column was sent POLICY_API_KEY: they keep it.
UPDATE "PolicyVariant" SET "apiKeyEnv" = 'POLICY_API_KEY' WHERE backend = 'OPENAI_COMPATIBLE';
