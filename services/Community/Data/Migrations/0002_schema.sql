-- Ideas as Community knows them from IdeaSubmitted: enough to know whose feed an activity belongs in.
CREATE TABLE IF NOT EXISTS ideas (
    idea_id          uuid PRIMARY KEY,
    cycle_id         uuid NOT NULL,
    author_member_id text NOT NULL,
    title            text NOT NULL
);
CREATE INDEX IF NOT EXISTS ideas_by_author ON ideas (author_member_id);

-- What happened, one row per event; summaries are plain text, never markup.
CREATE TABLE IF NOT EXISTS activities (
    id          uuid PRIMARY KEY,
    idea_id     uuid        NOT NULL,
    cycle_id    uuid        NOT NULL,
    kind        text        NOT NULL,
    summary     text        NOT NULL,
    occurred_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS activities_by_idea ON activities (idea_id, occurred_at DESC, id DESC);

-- Activities about a member rather than an idea (a new follower) name the member; added in place.
ALTER TABLE activities ADD COLUMN IF NOT EXISTS member_id text;
ALTER TABLE activities ALTER COLUMN idea_id DROP NOT NULL;
ALTER TABLE activities ALTER COLUMN cycle_id DROP NOT NULL;
CREATE INDEX IF NOT EXISTS activities_by_member ON activities (member_id, occurred_at DESC, id DESC) WHERE member_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS members (
    id                uuid PRIMARY KEY,
    handle            text        NOT NULL,
    display_name      text        NOT NULL,
    bio               text        NOT NULL DEFAULT '',
    location          text        NOT NULL DEFAULT '',
    registered_at     timestamptz NOT NULL DEFAULT now(),
    suspended_at      timestamptz,
    suspension_reason text,
    followers         bigint      NOT NULL DEFAULT 0
);
-- The partner system that registered the member, and may act for them; empty for none.
ALTER TABLE members ADD COLUMN IF NOT EXISTS partner text NOT NULL DEFAULT '';
-- Handles are unique regardless of case.
CREATE UNIQUE INDEX IF NOT EXISTS members_by_handle ON members (lower(handle));

-- A member follows exactly one member or one idea per row.
CREATE TABLE IF NOT EXISTS follows (
    id          uuid PRIMARY KEY,
    follower_id uuid NOT NULL REFERENCES members (id),
    member_id   uuid REFERENCES members (id),
    idea_id     uuid,
    followed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((member_id IS NULL) <> (idea_id IS NULL))
);
CREATE UNIQUE INDEX IF NOT EXISTS one_follow_of_member ON follows (follower_id, member_id) WHERE member_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS one_follow_of_idea ON follows (follower_id, idea_id) WHERE idea_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS followers_of_member ON follows (member_id, followed_at DESC, id DESC) WHERE member_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS followers_of_idea ON follows (idea_id, followed_at DESC, id DESC) WHERE idea_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS followed_by ON follows (follower_id, followed_at DESC, id DESC);

-- Threaded comments. path is the ids from the top of the thread down, so ordering by it reads
-- each comment followed by its replies.
CREATE TABLE IF NOT EXISTS comments (
    id        uuid PRIMARY KEY,
    idea_id   uuid        NOT NULL,
    parent_id uuid REFERENCES comments (id),
    author_id uuid        NOT NULL REFERENCES members (id),
    body      text        NOT NULL,
    state     text        NOT NULL DEFAULT 'visible',
    depth     int         NOT NULL,
    path      text        NOT NULL,
    reports   int         NOT NULL DEFAULT 0,
    posted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    edited_at timestamptz
);
CREATE INDEX IF NOT EXISTS comments_in_thread_order ON comments (idea_id, path);

CREATE TABLE IF NOT EXISTS comment_reports (
    comment_id  uuid NOT NULL REFERENCES comments (id),
    reporter_id uuid NOT NULL REFERENCES members (id),
    reason      text NOT NULL DEFAULT '',
    reported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (comment_id, reporter_id)
);

-- The five elements of each idea, kept current by Community's own writes and by VotesTallied.
-- Created with a row for every idea already known, once (not a scan of all ideas at every start).
DO $$
BEGIN
    IF to_regclass('idea_elements') IS NULL THEN
        CREATE TABLE idea_elements (
            idea_id  uuid PRIMARY KEY,
            cycle_id uuid   NOT NULL,
            views    bigint NOT NULL DEFAULT 0,
            shares   bigint NOT NULL DEFAULT 0,
            follows  bigint NOT NULL DEFAULT 0,
            comments bigint NOT NULL DEFAULT 0,
            audience bigint NOT NULL DEFAULT 0,
            votes    bigint NOT NULL DEFAULT 0
        );
        INSERT INTO idea_elements (idea_id, cycle_id) SELECT idea_id, cycle_id FROM ideas;
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS idea_elements_by_cycle ON idea_elements (cycle_id);
-- The people behind an idea (voters, followers, commenters), each once.
CREATE TABLE IF NOT EXISTS idea_audience (
    idea_id uuid NOT NULL,
    person  text NOT NULL,
    PRIMARY KEY (idea_id, person)
);
