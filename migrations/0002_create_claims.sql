-- Claims with their normalised values and time scope. Numbers are float8 so they come back as
-- floats (numeric would become Decimal, which msgspec encodes as a string).
CREATE TABLE IF NOT EXISTS claims (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id         bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source_id          bigint NOT NULL REFERENCES sources (id),
    kind               text NOT NULL CHECK (kind IN ('money', 'count', 'percent', 'date', 'duration', 'ratio', 'quantity')),
    text               text NOT NULL,
    start_offset       integer NOT NULL CHECK (start_offset >= 0),
    end_offset         integer NOT NULL CHECK (end_offset > start_offset),
    sentence           text NOT NULL,
    value              double precision,
    low                double precision,
    high               double precision,
    qualifier          text NOT NULL CHECK (qualifier IN ('exact', 'approx', 'more_than', 'less_than', 'at_least', 'at_most', 'range')),
    unit               text,
    date               text,
    subject            text,
    about              text,
    as_of              text,
    period_start       text,
    period_end         text,
    attribution        text,
    context            text NOT NULL DEFAULT '',
    block              text,            -- matching block key (kind, unit class, subject)
    time_from          date,            -- first day of the claim's date, else of its as-of date
    time_to            date,            -- last day of the same
    extractor_version  text NOT NULL,
    search             tsvector GENERATED ALWAYS AS (
                           to_tsvector('english', sentence || ' ' || coalesce(about, ''))
                       ) STORED
);
CREATE INDEX IF NOT EXISTS claims_article_idx ON claims (article_id, id);
CREATE INDEX IF NOT EXISTS claims_source_idx ON claims (source_id, id);
CREATE INDEX IF NOT EXISTS claims_kind_idx ON claims (kind, id);
CREATE INDEX IF NOT EXISTS claims_subject_idx ON claims (lower(subject), id);
CREATE INDEX IF NOT EXISTS claims_unit_idx ON claims (unit, id);
CREATE INDEX IF NOT EXISTS claims_block_idx ON claims (block) WHERE block IS NOT NULL;
CREATE INDEX IF NOT EXISTS claims_time_idx ON claims (time_from, time_to);
CREATE INDEX IF NOT EXISTS claims_search_idx ON claims USING gin (search);
