-- Webhooks: subscriptions, an outbox of events written in the same transaction as the conflict
-- change, and one delivery row per (webhook, event) with its retry state. A background task
-- fans events out to deliveries and sends them; ingest never waits on a receiver.
CREATE TABLE IF NOT EXISTS webhooks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url         text NOT NULL,
    secret      text NOT NULL,            -- HMAC-SHA256 key, shown once at registration
    events      text[] NOT NULL,
    description text,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (events <@ ARRAY['conflict.created', 'conflict.updated']::text[] AND cardinality(events) > 0)
);

-- The outbox. No foreign key to conflicts: an event outlives a withdrawn conflict, and TRUNCATE
-- of the domain tables does not need to know about it.
CREATE TABLE IF NOT EXISTS webhook_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event          text NOT NULL CHECK (event IN ('conflict.created', 'conflict.updated')),
    conflict_id    bigint NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    dispatched_at  timestamptz                -- set when fanned out into deliveries
);
CREATE INDEX IF NOT EXISTS webhook_events_pending_idx ON webhook_events (id) WHERE dispatched_at IS NULL;

CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id       bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id         bigint NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    last_status      integer,                 -- HTTP status of the last attempt (NULL: no answer)
    last_error       text,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);
