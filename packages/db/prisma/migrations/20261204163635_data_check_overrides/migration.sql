-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "fitDespiteBlockingChecks" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "overriddenChecks" JSONB;
