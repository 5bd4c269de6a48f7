-- Pairs of claims about the same measured thing, and the conflicts among them with their review
-- history. History rows are only ever inserted: a review never overwrites an earlier one.
CREATE TABLE IF NOT EXISTS matches (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_a     bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    claim_b     bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    label       text NOT NULL CHECK (label IN ('agree', 'conflict', 'different_scope')),
    linked      boolean NOT NULL,   -- false: a suggestion for a person to confirm
    score       double precision NOT NULL,
    components  jsonb NOT NULL DEFAULT '{}',
    reason      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (claim_a < claim_b),
    UNIQUE (claim_a, claim_b)
);
CREATE INDEX IF NOT EXISTS matches_claim_b_idx ON matches (claim_b);

CREATE TABLE IF NOT EXISTS conflicts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    match_id    bigint NOT NULL UNIQUE REFERENCES matches (id) ON DELETE CASCADE,
    claim_a     bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    claim_b     bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    subject     text,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'dismissed', 'resolved')),
    severity    double precision NOT NULL CHECK (severity >= 0),
    reason      text NOT NULL,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS conflicts_status_idx ON conflicts (status, id);
CREATE INDEX IF NOT EXISTS conflicts_kind_idx ON conflicts (kind, id);
CREATE INDEX IF NOT EXISTS conflicts_subject_idx ON conflicts (lower(subject), id);
CREATE INDEX IF NOT EXISTS conflicts_severity_idx ON conflicts (severity, id);
CREATE INDEX IF NOT EXISTS conflicts_claim_a_idx ON conflicts (claim_a);
CREATE INDEX IF NOT EXISTS conflicts_claim_b_idx ON conflicts (claim_b);

CREATE TABLE IF NOT EXISTS conflict_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conflict_id  bigint NOT NULL REFERENCES conflicts (id) ON DELETE CASCADE,
    at           timestamptz NOT NULL DEFAULT now(),
    status       text NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed', 'resolved')),
    note         text,
    reviewer     text
);
CREATE INDEX IF NOT EXISTS conflict_history_conflict_idx ON conflict_history (conflict_id, id);
