-- AlterTable
ALTER TABLE "Scenario" ADD COLUMN     "alternativeScenarioId" TEXT,
ADD COLUMN     "followApproved" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ScenarioForecast" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "scenarioId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "runId" TEXT NOT NULL,
    "planChecksum" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "summary" JSONB NOT NULL,
    "probabilityBeatsAlternative" DOUBLE PRECISION,
    "flipped" BOOLEAN NOT NULL DEFAULT false,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScenarioForecast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShareLink" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "scenarioIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "label" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revokedById" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "views" INTEGER NOT NULL DEFAULT 0,
    "lastViewedAt" TIMESTAMP(3),

    CONSTRAINT "ShareLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ScenarioForecast_workspaceId_idx" ON "ScenarioForecast"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "ScenarioForecast_scenarioId_version_key" ON "ScenarioForecast"("scenarioId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "ScenarioForecast_scenarioId_runId_planChecksum_key" ON "ScenarioForecast"("scenarioId", "runId", "planChecksum");

-- CreateIndex
CREATE UNIQUE INDEX "ShareLink_tokenHash_key" ON "ShareLink"("tokenHash");

-- CreateIndex
CREATE INDEX "ShareLink_workspaceId_createdAt_idx" ON "ShareLink"("workspaceId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "ScenarioForecast" ADD CONSTRAINT "ScenarioForecast_scenarioId_fkey" FOREIGN KEY ("scenarioId") REFERENCES "Scenario"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShareLink" ADD CONSTRAINT "ShareLink_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
