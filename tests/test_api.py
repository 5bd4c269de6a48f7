"""The REST contract over real HTTP against the real app, spaCy pipeline and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import SeedArticle

pytestmark = pytest.mark.model

PROBLEM = "application/problem+json"


def walk(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paginated list, following next_cursor to the end."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(10_000):
        r = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination never ended")


def assert_problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in r.text
    return body


# --------------------------------------------------------------------------- ingest


def test_seeds_ingested_with_claims(seeded: list[SeedArticle]) -> None:
    assert len(seeded) == 5
    assert len({a.id for a in seeded}) == 5
    assert all(a.claims > 0 for a in seeded)


def test_same_content_again_is_a_duplicate(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    first = client.get(f"/v1/articles/{seeded[0].id}").json()
    again = client.post("/v1/articles", json={"source": "Someone Else", "text": first["text"]})
    assert again.status_code == 200
    body = again.json()
    assert body["duplicate"] is True and body["id"] == seeded[0].id
    # and nothing new was stored
    assert len(walk(client, "/v1/articles", source="Someone Else")) == 0


def test_html_input_is_cleaned(client: httpx.Client) -> None:
    html = (
        "<html><head><script>var x = 12345;</script><style>p{margin:0}</style></head><body>"
        "<nav>Home | World</nav><article><h1>Aid</h1>"
        "<p>The government pledged $300 million in new aid on 4 May 2023, officials said.</p>"
        '<img srcset="a.jpg 515w, b.jpg 1024w"></article></body></html>'
    )
    r = client.post("/v1/articles", json={"source": "HTML Times", "html": html, "published": "2023-05-05"})
    assert r.status_code == 201, r.text
    art = client.get(f"/v1/articles/{r.json()['id']}").json()
    assert "<" not in art["text"] and "12345" not in art["text"] and "515w" not in art["text"]
    claims = walk(client, f"/v1/articles/{art['id']}/claims")
    money = [c for c in claims if c["kind"] == "money"]
    assert money and money[0]["unit"] == "USD" and money[0]["value"] == pytest.approx(300e6)


def test_every_claim_offset_points_at_its_text(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    for art in seeded:
        text = client.get(f"/v1/articles/{art.id}").json()["text"]
        claims = walk(client, f"/v1/articles/{art.id}/claims", limit=500)
        assert len(claims) == art.claims
        for c in claims:
            assert text[c["start"] : c["end"]] == c["text"], c
            assert c["text"] in c["sentence"]


def test_claim_has_every_contract_field(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    claim = client.get("/v1/claims", params={"limit": 1}).json()["items"][0]
    for field in (
        "id", "article_id", "source", "kind", "text", "start", "end", "sentence", "value", "low", "high",
        "qualifier", "unit", "date", "subject", "about", "as_of", "period", "attribution",
    ):  # fmt: skip
        assert field in claim


# --------------------------------------------------------------------------- lists, filters, pagination


def test_pagination_walks_every_claim_once(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    everything = walk(client, "/v1/claims", limit=500)
    paged = walk(client, "/v1/claims", limit=7)
    assert [c["id"] for c in paged] == [c["id"] for c in everything]
    assert len({c["id"] for c in paged}) == len(paged) >= sum(a.claims for a in seeded)


@pytest.mark.parametrize("field", ["kind", "unit", "subject", "source"])
def test_claim_filters_select_exactly_the_matching_claims(
    client: httpx.Client, seeded: list[SeedArticle], field: str
) -> None:
    everything = walk(client, "/v1/claims", limit=500)
    values = {c[field] for c in everything if c[field]}
    assert values, f"no claim has a {field}"
    for value in sorted(values)[:4]:
        got = walk(client, "/v1/claims", **{field: value}, limit=500)
        want = [c for c in everything if c[field] is not None and c[field].lower() == value.lower()]
        assert [c["id"] for c in got] == [c["id"] for c in want]


def test_article_filter(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    got = walk(client, "/v1/claims", article=seeded[2].id)
    assert got and all(c["article_id"] == seeded[2].id for c in got)
    assert len(got) == seeded[2].claims


def test_text_search(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    everything = walk(client, "/v1/claims", limit=500)
    word = "islands"
    got = walk(client, "/v1/claims", q=word)
    assert got
    assert all("island" in (c["sentence"] + " " + (c["about"] or "")).lower() for c in got)
    assert {c["id"] for c in got} >= {c["id"] for c in everything if " islands " in c["sentence"].lower()}


def test_since_until_filter_on_claim_time(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    got = walk(client, "/v1/claims", kind="date", since="2022-02-01", until="2022-02-28")
    assert got
    for c in got:
        assert c["date"] is not None
        assert c["date"][:7] in {"2022-02", "2022"} or c["date"] in {"2020s"}
    older = walk(client, "/v1/claims", kind="date", until="1999")
    assert all(c["date"] < "2000" for c in older)


def test_articles_and_sources(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    sources = walk(client, "/v1/sources")
    names = {s["name"] for s in sources}
    assert {"The Diplomat", "Japan Forward", "ANKASAM"} <= names
    diplomat = next(s for s in sources if s["name"] == "The Diplomat")
    claims = walk(client, f"/v1/sources/{diplomat['id']}/claims")
    assert claims and all(c["source"] == "The Diplomat" for c in claims)
    assert len(claims) == diplomat["claims"]
    dated = walk(client, f"/v1/sources/{diplomat['id']}/claims", kind="date")
    assert dated and all(c["kind"] == "date" for c in dated)
    arts = walk(client, "/v1/articles", published_since="2025-01", published_until="2025-12-31")
    assert {a["source"] for a in arts} >= {"bne IntelliNews", "The Diplomat"}
    assert all(a["published"] >= "2025" for a in arts)


def test_claim_detail_has_matches_list(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    claim = walk(client, "/v1/claims", limit=1)[0]
    detail = client.get(f"/v1/claims/{claim['id']}").json()
    assert detail["id"] == claim["id"] and isinstance(detail["matches"], list)


def test_claim_detail_shows_the_frame_an_editor_reads(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    money = walk(client, "/v1/claims", kind="money", limit=1)[0]
    frame = client.get(f"/v1/claims/{money['id']}").json()["frame"]
    assert frame["dimension"] == "money"
    assert frame["topic"], "every claim carries its article's topic entities"
    assert set(frame) <= {
        "dimension", "measure", "words", "entities", "places", "topic", "base", "change", "earlier", "part",
        "rate", "editions",
    }  # fmt: skip


# --------------------------------------------------------------------------- batch


def test_batch_json_reports_each_item(client: httpx.Client) -> None:
    r = client.post(
        "/v1/articles/batch",
        json={
            "articles": [
                {
                    "source": "Batch Wire",
                    "text": "Officials said 4,500 evacuees arrived on 3 June 2024.",
                    "published": "2024-06-04",
                },
                {"source": "Batch Wire", "text": "   "},
                {"source": "Batch Wire", "text": "The ministry counted 12 ships.", "published": "2024-02-30"},
                {"text": "no source"},
            ]
        },
    )
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["status"] for i in items] == [201, 422, 422, 422]
    assert items[1]["error"]["detail"]
    assert r.json()["created"] == 1 and r.json()["failed"] == 3


def test_batch_ndjson(client: httpx.Client) -> None:
    lines = b"\n".join(
        [
            b'{"source": "NDJSON Daily", "text": "About 1,200 refugees were admitted in March 2023.", "published": "2023-04-01"}',
            b'{"source": "NDJSON Daily", "text": "About 1,200 refugees were admitted in March 2023.", "published": "2023-04-01"}',
        ]
    )
    r = client.post("/v1/articles/batch", content=lines, headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200, r.text
    assert [i["status"] for i in r.json()["items"]] == [201, 200]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"source": "X", "text": ', 400),  # malformed JSON
        (b'{"text": "Some text with 5 ships."}', 400),  # missing source
        (b'{"source": 12, "text": "Some text."}', 400),  # wrong type
        (b'{"source": "X", "text": ["a"]}', 400),  # wrong type
        (b'{"source": "X", "text": "Some 5 ships.", "colour": "red"}', 400),  # unknown field
        (b'{"source": "X", "text": "Some 5 ships.", "published": "2022-02-30"}', 422),  # impossible date
        (b'{"source": "X", "text": "Some 5 ships.", "published": "last week"}', 422),
        (b'{"source": "X", "text": ""}', 422),  # empty text
        (b'{"source": "X", "html": "<div><script>1</script></div>"}', 422),  # only markup
        (b'{"source": "X"}', 422),  # neither text nor html
        (b'{"source": "X", "text": "a", "html": "<p>a</p>"}', 422),  # both
        (b'{"source": "   ", "text": "Some 5 ships."}', 422),
        (b"[]", 400),
    ],
)
def test_bad_article_gets_problem_details(client: httpx.Client, body: bytes, status: int) -> None:
    r = client.post("/v1/articles", content=body, headers={"content-type": "application/json"})
    assert_problem(r, status)


def test_oversized_body_is_refused(client: httpx.Client, settings: Any) -> None:
    big = b'{"source": "X", "text": "' + b"a" * (settings.max_body_bytes + 10) + b'"}'
    r = client.post("/v1/articles", content=big, headers={"content-type": "application/json"})
    assert_problem(r, 413)


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/v1/claims", {"limit": "501"}, 400),
        ("/v1/claims", {"limit": "0"}, 400),
        ("/v1/claims", {"limit": "-3"}, 400),
        ("/v1/claims", {"limit": "ten"}, 400),
        ("/v1/claims", {"kind": "gossip"}, 400),
        ("/v1/claims", {"cursor": "not-a-cursor"}, 422),
        ("/v1/claims", {"since": "2022-13"}, 422),
        ("/v1/claims", {"article": "1; DROP TABLE claims"}, 400),
        ("/v1/conflicts", {"status": "maybe"}, 400),
        ("/v1/conflicts", {"min_severity": "NaN"}, 400),
        ("/v1/articles", {"published_since": "yesterday"}, 422),
        ("/v1/claims/999999999", {}, 404),
        ("/v1/articles/999999999", {}, 404),
        ("/v1/conflicts/999999999", {}, 404),
        ("/v1/sources/999999999/claims", {}, 404),
        ("/v1/nothing-here", {}, 404),
    ],
)
def test_bad_queries_get_problem_details(client: httpx.Client, path: str, params: dict[str, str], status: int) -> None:
    assert_problem(client.get(path, params=params), status)


def test_sql_in_filters_is_just_data(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    for value in ("'; DROP TABLE claims; --", "Japan' OR '1'='1", '{"$gt": ""}'):
        for field in ("subject", "unit", "source"):
            r = client.get("/v1/claims", params={field: value})
            assert r.status_code == 200 and r.json()["items"] == [], (field, value, r.text)
        # `q` is a web-search query: its words (and OR) are searched for, never executed
        assert client.get("/v1/claims", params={"q": value}).status_code == 200
    assert client.get("/v1/claims", params={"limit": 1}).json()["items"]


def test_writes_need_the_api_key(anon: httpx.Client) -> None:
    r = anon.post("/v1/articles", json={"source": "X", "text": "12 ships"})
    assert_problem(r, 401)
    assert anon.get("/v1/claims").status_code == 200  # reads stay open


# --------------------------------------------------------------------------- operations


def test_health_ready_and_openapi(anon: httpx.Client) -> None:
    assert anon.get("/health").json()["status"] == "ok"
    ready = anon.get("/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    schema = anon.get("/schema/openapi.json").json()
    ops = {op["operationId"] for path in schema["paths"].values() for op in path.values() if "operationId" in op}
    assert {
        "CreateArticle",
        "CreateArticles",
        "ListArticles",
        "GetArticle",
        "ListArticleClaims",
        "ListSources",
        "ListSourceClaims",
        "ListClaims",
        "GetClaim",
        "ListConflicts",
        "GetConflict",
        "ReviewConflict",
    } <= ops


# --------------------------------------------------------------------------- conflicts on the seeds


def test_seed_conflicts_are_the_gold_ones(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    """Through the database: the one contradiction in the seeds is flagged, and little else."""
    seed_ids = {a.id for a in seeded}
    conflicts = [c for c in walk(client, "/v1/conflicts") if {cl["article_id"] for cl in c["claims"]} <= seed_ids]
    assert 1 <= len(conflicts) <= 3, [c["reason"] for c in conflicts]
    dates = [sorted(cl["date"] for cl in c["claims"]) for c in conflicts if c["kind"] == "date"]
    assert ["2022-02-24", "2022-02-26"] in dates
    invasion = next(c for c in conflicts if sorted(cl["date"] for cl in c["claims"]) == ["2022-02-24", "2022-02-26"])
    assert {cl["source"] for cl in invasion["claims"]} == {"Japan Forward"}
    assert invasion["reason"] and 0 < invasion["severity"] <= 1


def test_seed_refugee_counts_are_different_scope(client: httpx.Client, seeded: list[SeedArticle]) -> None:
    """188 admitted by March 2022 vs more than 2,700 by 2025: shown as growth, not a conflict."""
    counts = walk(client, "/v1/claims", kind="count", unit="refugee")
    small = next(c for c in counts if c["value"] == 188)
    detail = client.get(f"/v1/claims/{small['id']}").json()
    labels = {m["claim"]["value"]: m["label"] for m in detail["matches"]}
    assert labels.get(2700) == "different_scope"
