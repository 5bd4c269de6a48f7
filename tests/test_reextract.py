"""`claims reextract` upgrades an archive: stored articles are extracted again by the current
extractor and rematched; a reviewed conflict keeps its status on the new claims (or is archived
with a note), the old claims stay readable but leave lists and matching, and a second run has
nothing to do. Real PostgreSQL (a database of its own), real spaCy, the real command line."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from psycopg import conninfo, sql
from spacy.language import Language

from claims import ingest, migrate, store
from claims.extraction import EXTRACTOR_VERSION
from claims.models import ArticleIn, Claim
from claims.reextract import successors
from claims.settings import Settings
from claims.store.reextract import OldClaim
from claims.text.nlp import get_nlp
from tests.workflow_fixtures import cli

pytestmark = pytest.mark.model

DB_NAME = "claims_reextract"

ARTICLES = [
    ("Daily Star", "2024-06-20", "Sylhet floods kill 42",
     "Floods in Sylhet have killed 42 people since Sunday, the disaster ministry said on Thursday. "
     "About 1.8 million people are stranded."),
    ("Dhaka Tribune", "2024-06-20", "Sylhet flood toll rises to 67",
     "Floods in Sylhet have killed 67 people since Sunday, the disaster ministry said on Thursday. "
     "Roads to the city remain cut off."),
]  # fmt: skip


@pytest.fixture(scope="module")
def nlp(settings: Settings) -> Language:
    return get_nlp(settings.spacy_model)


@pytest.fixture(scope="module")
def rx_dsn(dsn: str) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    target = conninfo.make_conninfo(dsn, dbname=DB_NAME)
    migrate.migrate(target)
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(
            "TRUNCATE sources, articles, claims, matches, conflicts, conflict_history RESTART IDENTITY CASCADE"
        )
    return target


async def _ingest_all(dsn: str, nlp: Language) -> None:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        for source, published, title, text in ARTICLES:
            art = ArticleIn(source=source, text=text, title=title, published=published)
            await ingest.ingest(conn, nlp, art)


def test_reextract_keeps_reviews_and_has_nothing_left_to_do(rx_dsn: str, nlp: Language) -> None:
    asyncio.run(_ingest_all(rx_dsn, nlp))
    with psycopg.connect(rx_dsn, autocommit=True) as conn:
        conflicts = conn.execute("SELECT id, claim_a, claim_b FROM conflicts ORDER BY id").fetchall()
        assert conflicts, "the two tolls should conflict"
        old_conflict = conflicts[0][0]
        conn.execute("UPDATE conflicts SET status = 'confirmed' WHERE id = %s", (old_conflict,))
        conn.execute(
            "INSERT INTO conflict_history (conflict_id, status, note, reviewer) VALUES (%s, 'confirmed', 'checked', 'Ana')",
            (old_conflict,),
        )
        old_claims = {r[0] for r in conn.execute("SELECT id FROM claims")}
        # as if an older extractor had stored them
        conn.execute("UPDATE articles SET extractor_version = 'rules-0'")

    done = cli(rx_dsn, "reextract", "--batch", "1")
    assert done.returncode == 0, done.stderr
    assert f"re-extracted 2 articles with {EXTRACTOR_VERSION}" in done.stdout
    # article 1 first: (a, b) -> (a', b); then article 2: (a', b) -> (a', b'), a chain of two
    assert "2 carried over, 0 archived" in done.stdout

    with psycopg.connect(rx_dsn, autocommit=True) as conn:
        retired = {r[0] for r in conn.execute("SELECT id FROM claims WHERE retired_at IS NOT NULL")}
        assert retired == old_claims
        lineage = dict(conn.execute("SELECT old_id, new_id FROM claim_lineage").fetchall())
        assert set(lineage) == old_claims  # the same text: every old claim has its successor
        _, a, b = conflicts[0]
        new = conn.execute(
            "SELECT id, status FROM conflicts WHERE claim_a = %s AND claim_b = %s",
            (min(lineage[a], lineage[b]), max(lineage[a], lineage[b])),
        ).fetchone()
        assert new is not None and new[1] == "confirmed"
        history = "SELECT note, reviewer FROM conflict_history WHERE conflict_id = %s ORDER BY id"
        note, reviewer = conn.execute(history, (new[0],)).fetchall()[-1]
        assert note.startswith("carried over from conflict ") and "(confirmed)" in note
        assert reviewer == "Ana"  # the person who confirmed it, not the command
        at, hops = old_conflict, 0  # follow the chain from the old conflict to the new one
        while at != new[0]:
            last = conn.execute(history, (at,)).fetchall()[-1][0]
            assert last.startswith("archived: carried over to conflict "), last
            at, hops = int(last.rsplit(" ", 1)[1]), hops + 1
            assert hops < 5
        counts = conn.execute("SELECT sum(claim_count) FROM articles").fetchone()
        assert counts is not None and counts[0] == len(old_claims)  # counts follow the live claims
        versions = {r[0] for r in conn.execute("SELECT DISTINCT extractor_version FROM articles")}
        assert versions == {EXTRACTOR_VERSION}

    async def listed() -> set[int]:
        async with await psycopg.AsyncConnection.connect(rx_dsn) as conn:
            page = await store.list_claims(conn, store.ClaimFilters(), limit=500)
            return {c.id for c in page.items}

    assert asyncio.run(listed()) == set(lineage.values())  # lists show the claims articles say now

    again = cli(rx_dsn, "reextract")
    assert again.returncode == 0, again.stderr
    assert "already extracted" in again.stdout


def _claim(kind: str, text: str, start: int, sentence: str = "s") -> Claim:
    return Claim(kind=kind, text=text, start=start, end=start + len(text), sentence=sentence)  # type: ignore[arg-type]


def test_successors_by_span_then_by_text_each_claim_once() -> None:
    old = [
        OldClaim(id=1, kind="count", start=10, end=12, text="42", sentence="s"),
        OldClaim(id=2, kind="count", start=50, end=52, text="67", sentence="t"),  # moved: found by text
        OldClaim(id=3, kind="money", start=80, end=83, text="$5m", sentence="u"),  # gone
    ]
    new = [_claim("count", "42", 10), _claim("count", "67", 58, "t"), _claim("percent", "9%", 80)]
    assert successors(old, new, [11, 12, 13]) == [(1, 11), (2, 12)]
