-- A row that cannot be read as an event (its type or payload is unknown to this version) is set
-- aside with the problem, instead of blocking every event behind it; operators see and fix it.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS set_aside_at timestamptz;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS problem text;
DROP INDEX IF EXISTS outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL AND set_aside_at IS NULL;
