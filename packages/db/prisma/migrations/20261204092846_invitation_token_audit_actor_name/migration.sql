-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "actorName" TEXT;

-- AlterTable
ALTER TABLE "Invitation" ADD COLUMN     "tokenHash" TEXT;

-- Every AuditEvent keeps its actor's name as it was when the event was written, whichever
-- process writes it (web, worker): a trigger fills "actorName" from "User"."name" unless the
-- writer gave one. (Hand-written: Prisma does not model triggers.)
CREATE FUNCTION "audit_event_actor_name"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."actorName" IS NULL AND NEW."actorId" IS NOT NULL THEN
    SELECT u."name" INTO NEW."actorName" FROM "User" u WHERE u."id" = NEW."actorId";
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "AuditEvent_actor_name"
  BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_actor_name"();

-- Events written before this migration get the name their actor has now (the best there is).
-- The append-only trigger is paused for this one statement only, inside the migration.
ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only";
UPDATE "AuditEvent" e SET "actorName" = u."name" FROM "User" u WHERE u."id" = e."actorId";
ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only";
