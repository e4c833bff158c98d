-- Programs' voting rules, learnt from Grants: the time zone of a voting day, the daily allowance,
-- and whether standings are hidden from the public until a vote closes.
CREATE TABLE IF NOT EXISTS ballot_programs (
    program_id      uuid PRIMARY KEY,
    time_zone       text    NOT NULL,
    daily_allowance int     NOT NULL,
    hide_standings  boolean NOT NULL
);

-- The cycles Voting has seen; a closed cycle takes no more votes. Votes hold this row in
-- share mode while they commit, so closing waits for them and the final count misses none.
CREATE TABLE IF NOT EXISTS ballot_cycles (
    cycle_id   uuid PRIMARY KEY,
    program_id uuid NOT NULL REFERENCES ballot_programs (program_id),
    closed_at  timestamptz
);

-- Ideas in the vote, learnt from IdeaApproved or asked of Ideas; a withdrawn idea takes no votes.
CREATE TABLE IF NOT EXISTS ballot_ideas (
    idea_id      uuid PRIMARY KEY,
    cycle_id     uuid NOT NULL REFERENCES ballot_cycles (cycle_id),
    tier         text NOT NULL,
    category     text NOT NULL,
    withdrawn_at timestamptz
);

-- The durable vote log: the truth every tally and leaderboard is derived from. vote_day is the
-- date in the program's time zone.
CREATE TABLE IF NOT EXISTS votes (
    id              uuid PRIMARY KEY,
    idea_id         uuid        NOT NULL REFERENCES ballot_ideas (idea_id),
    cycle_id        uuid        NOT NULL,
    program_id      uuid        NOT NULL,
    voter_id        text        NOT NULL,
    vote_day        date        NOT NULL,
    channel         text        NOT NULL,
    idempotency_key text,
    cast_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT one_vote_per_idea_per_day UNIQUE (voter_id, idea_id, vote_day),
    CONSTRAINT one_vote_per_key UNIQUE (voter_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS votes_by_cycle ON votes (cycle_id, idea_id);

-- Votes used per voter, program and day. Every vote locks its row, so the allowance holds exactly.
CREATE TABLE IF NOT EXISTS allowances (
    voter_id   text NOT NULL,
    program_id uuid NOT NULL,
    vote_day   date NOT NULL,
    used       int  NOT NULL,
    PRIMARY KEY (voter_id, program_id, vote_day)
);

-- Accepted votes not yet counted into idea_counts, the leaderboards and VotesTallied. Written in
-- the vote's transaction and taken in the tally's, so each vote is counted exactly once.
CREATE TABLE IF NOT EXISTS untallied_votes (
    id       bigserial PRIMARY KEY,
    idea_id  uuid        NOT NULL,
    cycle_id uuid        NOT NULL,
    cast_at  timestamptz NOT NULL
);

-- Each idea's count, kept by the tally.
CREATE TABLE IF NOT EXISTS idea_counts (
    idea_id      uuid PRIMARY KEY,
    cycle_id     uuid        NOT NULL,
    votes        bigint      NOT NULL,
    last_vote_at timestamptz NOT NULL
);

-- Leaderboard rebuilds asked for (by an operator, or by a withdrawal); the tally leader does them.
CREATE TABLE IF NOT EXISTS leaderboard_rebuilds (
    id           bigserial PRIMARY KEY,
    cycle_id     uuid,
    requested_at timestamptz NOT NULL DEFAULT now(),
    done_at      timestamptz,
    cycles       int,
    ideas        int
);

-- When the cycle's vote opened (VotingOpened, or Grants' answer); no votes are taken before.
-- Cycles known before this column existed were open to votes: they read as opened long ago.
ALTER TABLE ballot_cycles ADD COLUMN IF NOT EXISTS voting_opened_at timestamptz DEFAULT '-infinity';
ALTER TABLE ballot_cycles ALTER COLUMN voting_opened_at DROP DEFAULT;

-- Who cast each vote waiting for the tally, so VotesTallied can say who voted.
ALTER TABLE untallied_votes ADD COLUMN IF NOT EXISTS voter_id text;

-- Vote review: a voter's votes beyond the velocity threshold are held ('held') and counted only
-- once an operator accepts them ('accepted'); voided ones ('voided') never count. Most votes are
-- never reviewed ('none'). The tally, the final count and rebuilds count 'none' and 'accepted'.
ALTER TABLE votes ADD COLUMN IF NOT EXISTS review text NOT NULL DEFAULT 'none';
ALTER TABLE votes ADD COLUMN IF NOT EXISTS reviewed_at timestamptz;
ALTER TABLE votes ADD COLUMN IF NOT EXISTS reviewed_by text;
ALTER TABLE votes ADD COLUMN IF NOT EXISTS review_reason text;
CREATE INDEX IF NOT EXISTS held_votes ON votes (cast_at, id) WHERE review = 'held';
-- A voter's recent votes, for the velocity threshold.
CREATE INDEX IF NOT EXISTS votes_by_voter_time ON votes (voter_id, cast_at);
