-- The editorial workflow (issue 16): named accounts with roles and their own API keys, an audit
-- log of every write, the state of the work queue (suggestion decisions, rejected pairs,
-- assignments) and corrections (superseded / withdrawn articles, retired and wrong claims).

CREATE TABLE IF NOT EXISTS accounts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role        text NOT NULL CHECK (role IN ('reader', 'reviewer', 'editor', 'admin')),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS accounts_name_key ON accounts (lower(name));

-- Keys are random (256 bits) and stored only as their SHA-256; `prefix` is the public part of the
-- key (clm_<prefix>_<secret>), used to find the row, to name a key and to revoke it.
CREATE TABLE IF NOT EXISTS api_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    prefix      text NOT NULL UNIQUE,
    hash        bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX IF NOT EXISTS api_keys_account_idx ON api_keys (account_id);

-- Only ever inserted. `account_id` is null for the settings keys and the keyless loopback mode;
-- `actor` keeps the name as it was then.
CREATE TABLE IF NOT EXISTS audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    account_id   bigint REFERENCES accounts (id) ON DELETE SET NULL,
    actor        text NOT NULL,
    action       text NOT NULL,
    object_type  text NOT NULL,
    object_id    bigint,
    before       jsonb,
    after        jsonb,
    note         text
);
CREATE INDEX IF NOT EXISTS audit_log_account_idx ON audit_log (account_id, id);
CREATE INDEX IF NOT EXISTS audit_log_object_idx ON audit_log (object_type, object_id, id);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log FOR EACH ROW
    EXECUTE FUNCTION audit_log_append_only();

ALTER TABLE conflict_history ADD COLUMN IF NOT EXISTS account_id bigint REFERENCES accounts (id) ON DELETE SET NULL;

-- Pairs a person said are not about the same thing: the matcher's writer never suggests them again.
CREATE TABLE IF NOT EXISTS rejected_pairs (
    claim_a     bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    claim_b     bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    account_id  bigint REFERENCES accounts (id) ON DELETE SET NULL,
    note        text,
    at          timestamptz NOT NULL DEFAULT now(),
    CHECK (claim_a < claim_b),
    PRIMARY KEY (claim_a, claim_b)
);

-- What a person decided about a suggestion or a different_scope pair (conflicts keep their status).
CREATE TABLE IF NOT EXISTS match_decisions (
    match_id    bigint PRIMARY KEY REFERENCES matches (id) ON DELETE CASCADE,
    status      text NOT NULL CHECK (status IN ('accepted', 'dismissed')),
    reason      text,
    note        text,
    account_id  bigint REFERENCES accounts (id) ON DELETE SET NULL,
    at          timestamptz NOT NULL DEFAULT now()
);

-- Who a queue item (a conflict or a suggestion, by its match) is assigned to.
CREATE TABLE IF NOT EXISTS assignments (
    match_id     bigint PRIMARY KEY REFERENCES matches (id) ON DELETE CASCADE,
    account_id   bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    assigned_by  text,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS assignments_account_idx ON assignments (account_id);

-- Corrections. A claim still never changes what it says: it can only be retired (its article was
-- corrected or withdrawn) or marked wrong by an editor, which takes it out of matching.
ALTER TABLE claims ADD COLUMN IF NOT EXISTS retired_at timestamptz;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS wrong_at timestamptz;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS superseded_by bigint REFERENCES articles (id) ON DELETE SET NULL;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS supersedes bigint REFERENCES articles (id) ON DELETE SET NULL;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS withdrawn_at timestamptz;

CREATE OR REPLACE FUNCTION claims_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(OLD) - 'block' - 'search' - 'retired_at' - 'wrong_at')
       IS DISTINCT FROM (to_jsonb(NEW) - 'block' - 'search' - 'retired_at' - 'wrong_at') THEN
        RAISE EXCEPTION 'claim % is immutable: only its matching block and its retired/wrong marks may be rewritten', OLD.id
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = 'store a correction as a new claim of a new article';
    END IF;
    RETURN NEW;
END $$;

-- Case- and accent-insensitive text for the queue's subject filter, without contrib extensions
-- (unaccent is not always installable): lower() then the Latin letters with diacritics folded.
CREATE OR REPLACE FUNCTION claims_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(
        replace(replace(replace(replace(lower(t), 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'), 'ø', 'o'),
        'àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž',
        'aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnoooooooorrrsssstttuuuuuuuuuuwyyyzzz'
    )
$$;
