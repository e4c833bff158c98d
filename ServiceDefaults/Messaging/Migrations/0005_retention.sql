-- What retention deletes by age is found by index, not by reading the whole table.
CREATE INDEX IF NOT EXISTS outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS processed_events_age ON processed_events (processed_at);
