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
