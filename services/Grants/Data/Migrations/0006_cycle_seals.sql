-- The seal Voting made of a closed cycle's votes, kept with the results it was closed with:
-- the results are published with their root, and the awards are made from the counts it commits to.
CREATE TABLE cycle_seals (
    cycle_id      uuid        PRIMARY KEY REFERENCES cycles (id),
    root          text        NOT NULL,
    leaf_count    bigint      NOT NULL,
    counted_votes bigint      NOT NULL,
    removed_votes bigint      NOT NULL,
    sealed_at     timestamptz NOT NULL,
    algorithm     text        NOT NULL
);
