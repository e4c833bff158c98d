-- The cycles Voting has seen; a closed cycle takes no more votes. Votes hold this row in
-- share mode while they commit, so closing waits for them and the final count misses none.
CREATE TABLE IF NOT EXISTS ballot_cycles (
    cycle_id  uuid PRIMARY KEY,
    closed_at timestamptz
);

-- Ideas in the vote, learnt from IdeaApproved or asked of Ideas.
CREATE TABLE IF NOT EXISTS ballot_ideas (
    idea_id  uuid PRIMARY KEY,
    cycle_id uuid NOT NULL REFERENCES ballot_cycles (cycle_id),
    tier     text NOT NULL,
    category text NOT NULL
);

-- The durable vote log: the truth every tally and leaderboard is derived from.
CREATE TABLE IF NOT EXISTS votes (
    id              uuid PRIMARY KEY,
    idea_id         uuid        NOT NULL REFERENCES ballot_ideas (idea_id),
    cycle_id        uuid        NOT NULL,
    voter_id        text        NOT NULL,
    vote_day        date        NOT NULL,
    channel         text        NOT NULL,
    idempotency_key text,
    cast_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT one_vote_per_idea_per_day UNIQUE (voter_id, idea_id, vote_day),
    CONSTRAINT one_vote_per_key UNIQUE (voter_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS votes_by_cycle ON votes (cycle_id, idea_id);

-- Votes used per voter per day; incremented only below the allowance, so it holds under concurrency.
CREATE TABLE IF NOT EXISTS allowances (
    voter_id text NOT NULL,
    vote_day date NOT NULL,
    used     int  NOT NULL,
    PRIMARY KEY (voter_id, vote_day)
);
