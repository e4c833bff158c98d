CREATE TABLE IF NOT EXISTS programs (
    id            uuid PRIMARY KEY,
    name          text        NOT NULL,
    currency      text        NOT NULL,
    budget_minor  bigint      NOT NULL CHECK (budget_minor > 0),
    awarded_minor bigint      NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    time_zone     text        NOT NULL DEFAULT 'UTC',
    daily_vote_allowance int  NOT NULL DEFAULT 10,
    hide_standings boolean    NOT NULL DEFAULT false,
    -- The last guard of the budget: no transaction can commit awards past it.
    CONSTRAINT awards_within_budget CHECK (awarded_minor <= budget_minor)
);

CREATE TABLE IF NOT EXISTS cycles (
    id             uuid PRIMARY KEY,
    program_id     uuid        NOT NULL REFERENCES programs (id),
    name           text        NOT NULL,
    phase          text        NOT NULL,
    tiers          jsonb       NOT NULL,
    submission_cap int         NOT NULL,
    opened_at      timestamptz NOT NULL DEFAULT now(),
    closed_at      timestamptz,
    closes_at      timestamptz NOT NULL
);
-- One open cycle per program: the one that takes submissions and votes.
CREATE UNIQUE INDEX IF NOT EXISTS one_open_cycle ON cycles (program_id) WHERE phase = 'open';

CREATE TABLE IF NOT EXISTS awards (
    id           uuid PRIMARY KEY,
    program_id   uuid        NOT NULL REFERENCES programs (id),
    cycle_id     uuid        NOT NULL REFERENCES cycles (id),
    idea_id      uuid        NOT NULL,
    tier         text        NOT NULL,
    amount_minor bigint      NOT NULL,
    rank         int         NOT NULL,
    votes        bigint      NOT NULL,
    awarded_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cycle_id, idea_id)
);

CREATE TABLE IF NOT EXISTS rankings (
    cycle_id uuid    NOT NULL REFERENCES cycles (id),
    idea_id  uuid    NOT NULL,
    tier     text    NOT NULL,
    votes    bigint  NOT NULL,
    rank     int     NOT NULL,
    awarded  boolean NOT NULL,
    outcome  text    NOT NULL,
    PRIMARY KEY (cycle_id, idea_id)
);
