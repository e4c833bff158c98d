-- Idempotency keys belong to their voter, and only votes that carry a key need the index.
ALTER TABLE votes DROP CONSTRAINT IF EXISTS one_vote_per_key;
CREATE UNIQUE INDEX IF NOT EXISTS one_vote_per_key ON votes (voter_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
