-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "currency" TEXT;
