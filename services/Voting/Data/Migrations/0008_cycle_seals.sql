-- Each program's secret key for its voters' pseudonyms in sealed cycles (HMAC-SHA256 of the
-- voter id): made at the program's first seal, never shown.
CREATE TABLE program_seal_keys (
    program_id uuid  PRIMARY KEY REFERENCES ballot_programs (program_id),
    key        bytea NOT NULL
);

-- A closed cycle's seal, made with its final tallies in the close's transaction and never
-- changed: the root of the Merkle tree of its votes (docs/verification.md).
CREATE TABLE cycle_seals (
    cycle_id  uuid        PRIMARY KEY REFERENCES ballot_cycles (cycle_id),
    root      bytea       NOT NULL,
    leaves    bigint      NOT NULL,
    counted   bigint      NOT NULL,
    removed   bigint      NOT NULL,
    sealed_at timestamptz NOT NULL DEFAULT now()
);
