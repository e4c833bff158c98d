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

-- Phases, selection and the ledger. Added columns are added in place, so a system started
-- before them keeps its data.
ALTER TABLE programs ADD COLUMN IF NOT EXISTS disbursed_minor bigint NOT NULL DEFAULT 0;
ALTER TABLE programs ADD COLUMN IF NOT EXISTS forfeited_minor bigint NOT NULL DEFAULT 0;
ALTER TABLE programs ADD COLUMN IF NOT EXISTS default_tiers jsonb;
ALTER TABLE programs ADD COLUMN IF NOT EXISTS default_categories text[] NOT NULL DEFAULT '{}';
-- Forfeited awards give their money back: what is committed never passes the budget. Replaced
-- once, not at every start (adding a CHECK reads the whole table).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'awards_within_budget' AND pg_get_constraintdef(oid) LIKE '%forfeited_minor%') THEN
        ALTER TABLE programs DROP CONSTRAINT IF EXISTS awards_within_budget;
        ALTER TABLE programs ADD CONSTRAINT awards_within_budget CHECK (awarded_minor - forfeited_minor <= budget_minor);
    END IF;
END $$;

ALTER TABLE cycles ADD COLUMN IF NOT EXISTS submissions_close_at  timestamptz;
ALTER TABLE cycles ADD COLUMN IF NOT EXISTS voting_opens_at       timestamptz;
ALTER TABLE cycles ADD COLUMN IF NOT EXISTS submissions_closed_at timestamptz;
ALTER TABLE cycles ADD COLUMN IF NOT EXISTS voting_opened_at      timestamptz;
ALTER TABLE cycles ADD COLUMN IF NOT EXISTS voting_closed_at      timestamptz;
ALTER TABLE cycles ADD COLUMN IF NOT EXISTS selection  text   NOT NULL DEFAULT 'top-per-tier';
ALTER TABLE cycles ADD COLUMN IF NOT EXISTS categories text[] NOT NULL DEFAULT '{}';
ALTER TABLE cycles ADD COLUMN IF NOT EXISTS pot_minor  bigint NOT NULL DEFAULT 0;
UPDATE cycles SET submissions_close_at = closes_at, voting_opens_at = opened_at, voting_opened_at = opened_at
WHERE submissions_close_at IS NULL;
-- What the phase scheduler looks for: open cycles with a step due.
CREATE INDEX IF NOT EXISTS open_cycles_schedule ON cycles (closes_at) WHERE phase = 'open';

ALTER TABLE awards ADD COLUMN IF NOT EXISTS status            text NOT NULL DEFAULT 'awarded';
ALTER TABLE awards ADD COLUMN IF NOT EXISTS payment_reference text;
ALTER TABLE awards ADD COLUMN IF NOT EXISTS forfeit_reason    text;
ALTER TABLE awards ADD COLUMN IF NOT EXISTS settled_at        timestamptz;
CREATE INDEX IF NOT EXISTS awards_by_idea ON awards (idea_id, id);
CREATE INDEX IF NOT EXISTS awards_by_program ON awards (program_id, id);
-- The order the ideas were considered in at close, which is the order results are read in.
ALTER TABLE rankings ADD COLUMN IF NOT EXISTS position int NOT NULL DEFAULT 0;
-- Programs that run themselves: each closing cycle opens the next month's.
ALTER TABLE programs ADD COLUMN IF NOT EXISTS run_monthly boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS cycles_of_program ON cycles (program_id, opened_at DESC, id DESC);
