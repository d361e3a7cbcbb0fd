-- AuditEvent is append-only: the database itself rejects UPDATE, DELETE and TRUNCATE, whatever
-- client or role issues them. (Prisma does not model triggers, so this migration is hand-written;
-- the drift check ignores it by design.)

CREATE FUNCTION "audit_event_reject_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Default SQLSTATE P0001 (raise_exception): Prisma surfaces the message as is.
  RAISE EXCEPTION 'AuditEvent is append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER "AuditEvent_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_reject_change"();

CREATE TRIGGER "AuditEvent_no_truncate"
  BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_reject_change"();
