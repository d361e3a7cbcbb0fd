-- CreateEnum
CREATE TYPE "RunChainStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "RunChain" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "chain" INTEGER NOT NULL,
    "status" "RunChainStatus" NOT NULL DEFAULT 'pending',
    "settings" JSONB NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "workerId" TEXT,
    "jobId" TEXT,
    "progress" JSONB,
    "heartbeatAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "result" BYTEA,
    "sizeBytes" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunChain_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RunChain_workspaceId_idx" ON "RunChain"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "RunChain_runId_chain_key" ON "RunChain"("runId", "chain");

-- AddForeignKey
ALTER TABLE "RunChain" ADD CONSTRAINT "RunChain_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The app role web and worker connect as (packages/db/src/app-role.ts) reads and writes chain rows.
-- Where the role does not exist yet, `pnpm db:app-role` grants this table with all the others.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mixcast_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON "RunChain" TO mixcast_app;
  END IF;
END $$;
