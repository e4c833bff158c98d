CREATE TABLE IF NOT EXISTS ideas (
    id               uuid PRIMARY KEY,
    cycle_id         uuid        NOT NULL,
    program_id       uuid        NOT NULL,
    title            text        NOT NULL,
    description      text        NOT NULL,
    category         text        NOT NULL,
    tier             text        NOT NULL,
    author_member_id text        NOT NULL,
    status           text        NOT NULL,
    status_reason    text        NOT NULL DEFAULT '',
    location         text        NOT NULL DEFAULT '',
    links            text[]      NOT NULL DEFAULT '{}',
    idempotency_key  text,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- When the idea arrived for a cycle (submitted, or queued): the order of moderation and of the queue.
    submitted_at     timestamptz,
    -- Title words weigh more (A) than description words (B) in search ranking.
    search           tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')) STORED,
    UNIQUE (author_member_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS ideas_by_cycle ON ideas (cycle_id, created_at, id);
CREATE INDEX IF NOT EXISTS ideas_by_author ON ideas (author_member_id, created_at, id);
CREATE INDEX IF NOT EXISTS ideas_by_program ON ideas (program_id, created_at, id);
CREATE INDEX IF NOT EXISTS ideas_awaiting ON ideas (status, submitted_at, id) WHERE status IN ('submitted', 'queued');
CREATE INDEX IF NOT EXISTS ideas_search ON ideas USING gin (search);

-- Accepted submissions per cycle; incremented only below the cap, so the cap holds under concurrency.
CREATE TABLE IF NOT EXISTS cycle_submissions (
    cycle_id uuid PRIMARY KEY,
    accepted int NOT NULL
);

-- Every change of an idea: what happened, who did it and when.
CREATE TABLE IF NOT EXISTS idea_history (
    idea_id uuid        NOT NULL REFERENCES ideas (id),
    status  text        NOT NULL,
    action  text        NOT NULL,
    actor   text        NOT NULL,
    note    text        NOT NULL DEFAULT '',
    at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS idea_history_by_idea ON idea_history (idea_id, at);
