-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "backtestCoverageThreshold" DOUBLE PRECISION NOT NULL DEFAULT 0.6,
ADD COLUMN     "priorsFromApproved" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Backtest" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "scoredRunId" TEXT NOT NULL,
    "horizonWeeks" INTEGER NOT NULL,
    "firstWeek" TEXT NOT NULL,
    "lastWeek" TEXT NOT NULL,
    "weeks" INTEGER NOT NULL,
    "mape" DOUBLE PRECISION,
    "crps" DOUBLE PRECISION NOT NULL,
    "coverage90" DOUBLE PRECISION NOT NULL,
    "weekly" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Backtest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Backtest_modelId_lastWeek_idx" ON "Backtest"("modelId", "lastWeek");

-- CreateIndex
CREATE INDEX "Backtest_workspaceId_idx" ON "Backtest"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Backtest_runId_horizonWeeks_key" ON "Backtest"("runId", "horizonWeeks");

-- AddForeignKey
ALTER TABLE "Backtest" ADD CONSTRAINT "Backtest_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backtest" ADD CONSTRAINT "Backtest_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backtest" ADD CONSTRAINT "Backtest_scoredRunId_fkey" FOREIGN KEY ("scoredRunId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
