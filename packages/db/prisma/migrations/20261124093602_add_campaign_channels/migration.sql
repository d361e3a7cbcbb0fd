-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "channels" TEXT[] DEFAULT ARRAY[]::TEXT[];
