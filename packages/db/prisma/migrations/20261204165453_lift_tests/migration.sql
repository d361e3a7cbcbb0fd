-- CreateTable
CREATE TABLE "LiftTest" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "startDate" TEXT NOT NULL,
    "endDate" TEXT NOT NULL,
    "geos" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "lift" DOUBLE PRECISION NOT NULL,
    "se" DOUBLE PRECISION NOT NULL,
    "spend" DOUBLE PRECISION NOT NULL,
    "source" TEXT,
    "notes" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archivedAt" TIMESTAMP(3),

    CONSTRAINT "LiftTest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunLiftTest" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "liftTestId" TEXT,
    "channel" TEXT NOT NULL,
    "startDate" TEXT NOT NULL,
    "endDate" TEXT NOT NULL,
    "geos" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "lift" DOUBLE PRECISION NOT NULL,
    "se" DOUBLE PRECISION NOT NULL,
    "spend" DOUBLE PRECISION NOT NULL,
    "weight" DOUBLE PRECISION NOT NULL,
    "effectiveSe" DOUBLE PRECISION,
    "used" BOOLEAN NOT NULL,
    "excludedReason" TEXT,
    "details" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunLiftTest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LiftTest_workspaceId_channel_idx" ON "LiftTest"("workspaceId", "channel");

-- CreateIndex
CREATE INDEX "RunLiftTest_workspaceId_idx" ON "RunLiftTest"("workspaceId");

-- CreateIndex
CREATE INDEX "RunLiftTest_liftTestId_idx" ON "RunLiftTest"("liftTestId");

-- CreateIndex
CREATE UNIQUE INDEX "RunLiftTest_runId_liftTestId_key" ON "RunLiftTest"("runId", "liftTestId");

-- AddForeignKey
ALTER TABLE "LiftTest" ADD CONSTRAINT "LiftTest_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiftTest" ADD CONSTRAINT "LiftTest_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunLiftTest" ADD CONSTRAINT "RunLiftTest_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunLiftTest" ADD CONSTRAINT "RunLiftTest_liftTestId_fkey" FOREIGN KEY ("liftTestId") REFERENCES "LiftTest"("id") ON DELETE SET NULL ON UPDATE CASCADE;
