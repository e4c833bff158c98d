-- The vote's deadline, learnt from VotingOpened (or Grants' answer): each vote's transaction
-- refuses by the clock once it has passed, whether or not the close has come yet.
ALTER TABLE ballot_cycles ADD COLUMN closes_at timestamptz;

-- A closed cycle's final counts, written once by the close, in the standing order (position 1
-- first). The closed cycle's boards and standings are read from here, so they never change,
-- and a leaderboard rebuild needs to cover open cycles only.
CREATE TABLE final_tallies (
    cycle_id     uuid        NOT NULL REFERENCES ballot_cycles (cycle_id),
    idea_id      uuid        NOT NULL REFERENCES ballot_ideas (idea_id),
    position     int         NOT NULL,
    tier         text        NOT NULL,
    category     text        NOT NULL,
    votes        bigint      NOT NULL,
    last_vote_at timestamptz NOT NULL,
    withdrawn    boolean     NOT NULL,
    PRIMARY KEY (cycle_id, idea_id)
);
CREATE UNIQUE INDEX final_tallies_in_order ON final_tallies (cycle_id, position);
