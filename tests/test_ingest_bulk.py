"""The bulk ingest path (extraction in worker processes) stores exactly what one-by-one ingest does.

Forty generated articles (more than one extraction chunk, with a re-sent duplicate) go through
`claims ingest --jobs 2`'s code path into an empty database, then through `ingest.ingest`, one
article per call, into an emptied one: the articles, claims, matches and conflicts must be the same
(compared by content hash and character offsets, since ids are not), and the maintained counters
must agree with a real count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import psycopg
import pytest

from benchmarks.gen_articles import generate
from claims import commands, ingest, inputs
from claims.settings import Settings
from claims.text.nlp import get_nlp
from tests.conftest import truncate_all

pytestmark = pytest.mark.model

N_ARTICLES = 40

_SNAPSHOT = {
    "articles": """
        SELECT a.content_hash, s.name, a.published, a.title, a.claim_count FROM articles a
        JOIN sources s ON s.id = a.source_id ORDER BY a.content_hash""",
    "claims": """
        SELECT a.content_hash, c.start_offset, c.end_offset, c.kind, c.text, c.value, c.low, c.high,
               c.qualifier, c.unit, c.date, c.subject, c.as_of, c.block, c.context
        FROM claims c JOIN articles a ON a.id = c.article_id ORDER BY 1, 2, 3""",
    "matches": """
        SELECT aa.content_hash, ca.start_offset, ab.content_hash, cb.start_offset, m.label, m.linked,
               round(m.score::numeric, 6), m.reason
        FROM matches m
        JOIN claims ca ON ca.id = m.claim_a JOIN articles aa ON aa.id = ca.article_id
        JOIN claims cb ON cb.id = m.claim_b JOIN articles ab ON ab.id = cb.article_id
        ORDER BY 1, 2, 3, 4""",
    "conflicts": """
        SELECT aa.content_hash, ca.start_offset, ab.content_hash, cb.start_offset, k.status,
               round(k.severity::numeric, 6), k.reason
        FROM conflicts k
        JOIN claims ca ON ca.id = k.claim_a JOIN articles aa ON aa.id = ca.article_id
        JOIN claims cb ON cb.id = k.claim_b JOIN articles ab ON ab.id = cb.article_id
        ORDER BY 1, 2, 3, 4""",
    "sources": "SELECT name, article_count, claim_count FROM sources ORDER BY lower(name)",
    "counted": """
        SELECT s.name, (SELECT count(*) FROM articles a WHERE a.source_id = s.id),
               (SELECT count(*) FROM claims c WHERE c.source_id = s.id)
        FROM sources s ORDER BY lower(s.name)""",
}


def snapshot(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return {name: conn.execute(q).fetchall() for name, q in _SNAPSHOT.items()}  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bulk")
    _, _, dups = generate(out, N_ARTICLES, seed=3, duplicate_rate=0.05)
    assert dups >= 1, "the generated folder should re-send at least one article"
    return out


async def test_bulk_ingest_matches_one_by_one(
    settings: Settings, dsn: str, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = msgspec.structs.replace(settings, database_url=dsn)
    truncate_all(dsn)
    assert await commands.ingest_paths(local, [folder], None, 2) == 0
    out = capsys.readouterr().out
    bulk = snapshot(dsn)

    truncate_all(dsn)
    nlp = get_nlp(local.spacy_model)
    duplicates = 0
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        for _path, article in inputs.collect_articles([folder], None):
            duplicates += (await ingest.ingest(conn, nlp, article)).duplicate
    single = snapshot(dsn)
    truncate_all(dsn)

    assert f"{duplicates} duplicate" in out
    assert len(bulk["articles"]) == N_ARTICLES - duplicates
    assert bulk["claims"], "the generated articles should yield claims"
    assert bulk["matches"], "the generated articles repeat events, so claims should match"
    for name in _SNAPSHOT:
        assert bulk[name] == single[name], name
    assert bulk["sources"] == bulk["counted"], "maintained counters disagree with a real count"
