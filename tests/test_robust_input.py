"""Hostile input at every endpoint and parameter, over real HTTP against the real database.

Every bad value gets a 4xx RFC 9457 problem detail (never a 5xx, never a stack trace or a driver
message), string filters treat injection attempts as plain data, and no failed write leaves
anything behind.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import psycopg
import pytest

pytestmark = pytest.mark.model

PROBLEM = "application/problem+json"
MISSING = 999_999_999
"""A conflict id that does not exist: hostile reviews must never change the seeds' conflicts."""
LEAKS = ("Traceback", 'File "', "psycopg", "SQLSTATE", "asyncpg", "litestar/", "site-packages")

INJECTIONS = [
    "'; DROP TABLE claims; --",
    "Japan' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    "%' OR 1=1 --",
    "\\'; TRUNCATE articles; --",
    '{"$gt": ""}',
    '{"source": {"$ne": null}}',
    '"}]}, {"injected": true',
    "<script>alert(1)</script>",
    "${jndi:ldap://127.0.0.1/a}",
    "../../etc/passwd",
    "\u202e\u0000\u0007",
    "NUL\x00byte",
    "\ufffe\uffff",
    "a" * 10_000,
    "日本語 العربية emoji 🧨",
    "!!!&&&|||:*()<->",  # tsquery operators
    "or and not",
]

# Every string filter of every list endpoint.
STRING_FILTERS = [
    ("/v1/claims", "subject"),
    ("/v1/claims", "unit"),
    ("/v1/claims", "source"),
    ("/v1/claims", "q"),
    ("/v1/claims", "since"),
    ("/v1/claims", "until"),
    ("/v1/claims", "kind"),
    ("/v1/claims", "cursor"),
    ("/v1/articles", "source"),
    ("/v1/articles", "published_since"),
    ("/v1/articles", "published_until"),
    ("/v1/articles", "cursor"),
    ("/v1/sources", "cursor"),
    ("/v1/sources/1/claims", "subject"),
    ("/v1/sources/1/claims", "q"),
    ("/v1/conflicts", "status"),
    ("/v1/conflicts", "kind"),
    ("/v1/conflicts", "subject"),
    ("/v1/conflicts", "source"),
    ("/v1/conflicts", "cursor"),
]

NUMBERS = ["NaN", "nan", "inf", "-inf", "Infinity", "1e309", "-1", "0", "-0", "1.5", "0x10",
           "99999999999999999999999999999", str(2**63), str(2**64), "1_000", " 1", "", "true", "[1]"]  # fmt: skip

NUMERIC_FILTERS = [
    ("/v1/claims", "limit"),
    ("/v1/claims", "article"),
    ("/v1/articles", "limit"),
    ("/v1/sources", "limit"),
    ("/v1/conflicts", "limit"),
    ("/v1/conflicts", "article"),
    ("/v1/conflicts", "min_severity"),
    ("/v1/articles/1/claims", "limit"),
]

BAD_IDS = ["0", "-1", str(2**53), str(2**63), str(2**64), "99999999999999999999999", "abc", "1.5", "NaN", "1e3",
           "%00", "1%20OR%201=1"]  # fmt: skip
ID_PATHS = ["/v1/articles/{}", "/v1/articles/{}/claims", "/v1/claims/{}", "/v1/sources/{}/claims",
            "/v1/conflicts/{}", "/v1/conflicts/{}/claimreview"]  # fmt: skip


def assert_clean(r: httpx.Response) -> None:
    """Whatever the status, nothing internal leaks."""
    assert r.status_code < 500, (r.status_code, r.text[:500])
    for leak in LEAKS:
        assert leak not in r.text, (leak, r.text[:500])


def assert_problem(r: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert_clean(r)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    if statuses:
        assert r.status_code in statuses, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith(PROBLEM), r.headers
    body = r.json()
    assert body["status"] == r.status_code and body["title"] and body["detail"]
    return body


def counts(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as conn:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("sources", "articles", "claims", "matches", "conflicts", "conflict_history")
        }


@pytest.fixture(scope="module")
def before(dsn: str, seeded: Any) -> dict[str, int]:
    """Row counts before any hostile write of this module (seeds in place, so filters have data)."""
    return counts(dsn)


# --------------------------------------------------------------------------- query strings


@pytest.mark.parametrize(("path", "param"), STRING_FILTERS)
@pytest.mark.parametrize("value", INJECTIONS, ids=range(len(INJECTIONS)))
def test_string_filters_take_hostile_values_as_data(
    anon: httpx.Client, before: dict[str, int], path: str, param: str, value: str
) -> None:
    r = anon.get(path, params={param: value})
    assert_clean(r)
    if r.status_code == 200:
        body = r.json()
        assert set(body) == {"items", "next_cursor"}
        if param in {"subject", "unit", "source"}:  # exact-match filters: nothing has these values
            assert body["items"] == []
    else:
        assert_problem(r, 400, 404, 422)


@pytest.mark.parametrize(("path", "param"), NUMERIC_FILTERS)
@pytest.mark.parametrize("value", NUMBERS)
def test_numeric_filters_refuse_what_is_not_a_sane_number(
    anon: httpx.Client, path: str, param: str, value: str
) -> None:
    r = anon.get(path, params={param: value})
    if r.status_code == 200:  # only plain in-range numbers get through
        assert value.strip().lstrip("-").replace(".", "", 1).isdigit() or value in {"-0", "0"}, value
    else:
        assert_problem(r, 400, 404, 422)


@pytest.mark.parametrize("template", ID_PATHS)
@pytest.mark.parametrize("value", BAD_IDS)
def test_path_ids_out_of_range_or_not_numbers(anon: httpx.Client, template: str, value: str) -> None:
    assert_problem(anon.get(template.format(value)), 400, 404)


@pytest.mark.parametrize(
    "raw_query",
    [
        "subject=%FF%FE",  # not UTF-8 once decoded
        "subject=%C0%AF",  # overlong encoding
        "q=%ED%A0%80",  # an encoded lone surrogate
        "subject=%00",
        "kind=money&kind=count",  # repeated scalar
        "limit=1&limit=2",
        "cursor=%ZZ",
        "since=2022-02-30",
        "since=0000",
        "until=9999-12-31",
        "since=2022-1-1",
        "article[]=1",
        "=1&&&=",
        "subject=" + "x" * 60_000,  # a very long URL
    ],
)
def test_malformed_query_strings(anon: httpx.Client, raw_query: str) -> None:
    r = anon.get(f"/v1/claims?{raw_query}")
    assert_clean(r)
    if r.status_code != 200:
        assert_problem(r)


def test_a_cursor_from_one_list_cannot_reach_past_the_end(anon: httpx.Client, seeded: Any) -> None:
    """Forged cursors (valid base64, wrong content) are refused, not executed."""
    import base64

    import msgspec

    forged = [
        base64.urlsafe_b64encode(msgspec.msgpack.encode(x)).decode().rstrip("=")
        for x in (("id", -5), ("other", 1), ("id", "1; DROP"), ["id"], {"id": 1}, ("id", 2**63), ("id", 1.5))
    ]
    for cursor in forged:
        r = anon.get("/v1/claims", params={"cursor": cursor})
        assert r.status_code in {200, 422}, r.text
        if r.status_code == 422:
            assert_problem(r, 422)


# --------------------------------------------------------------------------- bodies


def post(client: httpx.Client, path: str, body: bytes, content_type: str = "application/json") -> httpx.Response:
    return client.post(path, content=body, headers={"content-type": content_type})


NESTED_JSON = b"[" * 100_000 + b"]" * 100_000

BAD_BODIES = [
    (b"", 400),
    (b"null", 400),
    (b"42", 400),
    (b'"text"', 400),
    (b"\xff\xfe\x00garbage", 400),  # not UTF-8
    (b'{"source": "X", "text": "caf\xe9 5 ships"}', 400),  # was a 500 (msgspec raised UnicodeDecodeError)
    (b'{"source": "X", "text": NaN}', 400),
    (b'{"source": "Odd Wire", "text": "a 1", "text": "b 2"}', None),  # duplicate key: any 2xx/4xx, not 5xx
    (b'{"source": ["X"], "text": "5 ships"}', 400),
    (b'{"source": "X", "text": 5}', 400),
    (b'{"source": "X", "text": "5 ships", "published": 2022}', 400),
    (b'{"source": "X", "text": "5 ships", "published": "2022-02-30"}', 422),
    (b'{"source": "X", "text": "5 ships", "published": "99999-01-01"}', 422),
    (b'{"source": "X", "text": "5 ships", "published": "0000"}', 422),
    (b'{"source": "X", "text": "5 ships", "__proto__": {"admin": true}}', 400),
    (b'{"source": "X", "text": "5 ships", "constructor": 1}', 400),
    (b'{"source": "' + b"s" * 501 + b'", "text": "5 ships"}', 400),
    (b'{"source": "X", "text": "5 ships", "title": "' + b"t" * 2001 + b'"}', 400),
    (b'{"source": "X", "text": "5 ships\\u0000 and 6 boats"}', 422),
    (b'{"source": "X\\u0000", "text": "5 ships"}', 422),
    (b'{"source": "X", "text": "5 ships", "url": "http://a/\\u0000"}', 422),
    (b'{"source": "Odd Wire", "text": "lone \\ud800 surrogate, 7 ships"}', None),
    (b'{"source": "X", "html": "<p><b><i></i></b></p><script>var a = 5;</script>"}', 422),  # only markup
    (b'{"source": "X", "html": "<!-- 5 ships -->"}', 422),
    (b'{"source": "X", "text": "\\u200b\\u00a0\\u2028\\t\\r\\n"}', 422),  # only odd whitespace
    (NESTED_JSON, 400),
    (b'{"source": "X", "text": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400),
]


@pytest.mark.parametrize(("body", "status"), BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_bad_article_bodies(client: httpx.Client, before: dict[str, int], body: bytes, status: int | None) -> None:
    r = post(client, "/v1/articles", body)
    if status is None:
        assert_clean(r)
    else:
        assert_problem(r, status)


@pytest.mark.parametrize(("body", "status"), BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_bad_batch_items_fail_alone(
    client: httpx.Client, before: dict[str, int], body: bytes, status: int | None
) -> None:
    """The same bodies as batch items: each is reported as its own failure, never a 5xx."""
    r = post(client, "/v1/articles/batch", b'{"articles": [' + (body or b'""') + b"]}")
    assert_clean(r)
    if r.status_code == 200:
        (item,) = r.json()["items"]
        if status is not None:
            assert item["status"] >= 400 and item["error"]["detail"], item
    else:
        assert_problem(r, 400)


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"", "application/json", 400),
        (b'{"articles": []}', "application/json", 400),
        (b'{"articles": {}}', "application/json", 400),
        (b'{"articles": [], "extra": 1}', "application/json", 400),
        (b'{"articles": [' + b",".join([b"{}"] * 501) + b"]}", "application/json", 400),
        (NESTED_JSON, "application/json", 400),
        (b"\n\n  \n", "application/x-ndjson", 422),
        (b"\n".join([b'{"source": "X"}'] * 501), "application/x-ndjson", 422),
        (b"\xff\xfe\n\x00\x00", "application/x-ndjson", None),
        (b"not json\n{also not", "application/x-ndjson", None),
    ],
)
def test_bad_batches(
    client: httpx.Client, before: dict[str, int], body: bytes, content_type: str, status: int | None
) -> None:
    r = post(client, "/v1/articles/batch", body, content_type)
    if status is None:
        assert_clean(r)
        assert r.status_code == 200 and all(i["status"] == 422 for i in r.json()["items"])
    else:
        assert_problem(r, status)


def test_ten_megabyte_bodies_are_refused_unread(client: httpx.Client, before: dict[str, int]) -> None:
    big = b'{"source": "X", "text": "' + b"7 ships. " * (10_000_000 // 9) + b'"}'
    for path in ("/v1/articles", "/v1/articles/batch"):
        assert_problem(post(client, path, big), 413)
    r = client.patch(f"/v1/conflicts/{MISSING}", content=big, headers={"content-type": "application/json"})
    assert_problem(r, 413)


def test_wrong_content_types(client: httpx.Client, before: dict[str, int]) -> None:
    good = json.dumps({"source": "Odd Wire", "text": "Some 5 ships sailed on 3 May 2024."}).encode()
    for ct in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "image/png"):
        r = post(client, "/v1/articles", good, ct)
        assert_clean(r)
        assert r.status_code in {201, 200, 400, 415}, (ct, r.status_code)
    assert_clean(client.request("PATCH", "/v1/articles", content=good))
    assert_clean(client.request("DELETE", "/v1/claims"))
    assert_clean(client.request("TRACE", "/v1/claims"))


@pytest.mark.parametrize(
    "if_match",
    ['"v²"', '"v99999999999999999999"', '"v-1"', '"v1.5"', '""', "null", '"x"', "W/", '"v' + "9" * 5000 + '"', '"v1"'],
)
def test_hostile_if_match_headers(client: httpx.Client, before: dict[str, int], if_match: str) -> None:
    """Against a conflict that does not exist, so nothing is reviewed: malformed tags 412, sane ones 404."""
    r = client.patch(f"/v1/conflicts/{MISSING}", json={"status": "confirmed"}, headers={"If-Match": if_match.encode()})
    assert_problem(r, 404, 412)


@pytest.mark.parametrize(
    "body",
    [
        b'{"status": "open", "note": "' + b"n" * 2001 + b'"}',
        b'{"status": "gone"}',
        b'{"status": null}',
        b'{"status": "open", "reviewer": 5}',
        b'{"status": "open", "note": "\\u0000"}',
        b'{"status": "open", "role": "admin"}',
        b"{}",
        b"[]",
    ],
)
def test_hostile_reviews(client: httpx.Client, before: dict[str, int], body: bytes) -> None:
    r = client.patch(f"/v1/conflicts/{MISSING}", content=body, headers={"content-type": "application/json"})
    assert_problem(r, 400, 404, 422)


# --------------------------------------------------------------------------- odd but acceptable articles


ODD_ARTICLES = [
    {"html": "<div>" * 20_000 + "Officials counted 4,100 containers on 2 May 2024." + "</div>" * 20_000},
    {"html": "<p>" + "<b>" * 5000 + "Some 300 ships docked in 2023." + "</b>" * 5000 + "</p>"},
    {"text": "The fund holds 1e308 dollars and 10^400 euros, or 0.000000000000000000001 percent."},
    {"text": "It cost $" + "9" * 400 + " in 2020, officials said."},
    {"text": "\u00a0\u2009".join(["Officials said 12 ships sailed on 3 May 2024."] * 3)},
    {"text": "Ｏｆｆｉｃｉａｌｓ ｓａｉｄ １２ ｓｈｉｐｓ sailed on ３ May 2024."},
    {"text": "Officials said 12\u200b000 ships sailed.\u2028New line: 7 % of them sank."},
]


@pytest.mark.parametrize("article", ODD_ARTICLES, ids=range(len(ODD_ARTICLES)))
def test_odd_articles_are_stored_whole_or_refused(client: httpx.Client, article: dict[str, str]) -> None:
    r = client.post("/v1/articles", json={"source": "Odd Wire", "published": "2024-05-04", **article})
    assert_clean(r)
    if r.status_code in {200, 201}:
        art = client.get(f"/v1/articles/{r.json()['id']}").json()
        claims = client.get(f"/v1/articles/{art['id']}/claims", params={"limit": 500}).json()["items"]
        assert len(claims) == art["claims"] == r.json()["claims"]
        for c in claims:
            assert art["text"][c["start"] : c["end"]] == c["text"]
    else:
        assert_problem(r, 413, 422)


# --------------------------------------------------------------------------- nothing half-stored


def test_zz_failed_writes_stored_nothing(dsn: str, before: dict[str, int]) -> None:
    """Runs after every hostile write above (name sorts last): the tables hold exactly what they did.

    Odd-but-valid articles (the only successful writes) are counted out by source.
    """
    with psycopg.connect(dsn) as conn:
        odd = conn.execute(
            "SELECT count(*) FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.name = 'Odd Wire'"
        ).fetchone()[0]  # type: ignore[index]
        odd_claims = conn.execute(
            "SELECT count(*) FROM claims c JOIN sources s ON s.id = c.source_id WHERE s.name = 'Odd Wire'"
        ).fetchone()[0]  # type: ignore[index]
        odd_source = conn.execute("SELECT count(*) FROM sources WHERE name = 'Odd Wire'").fetchone()[0]  # type: ignore[index]
    after = counts(dsn)
    assert after["articles"] - odd == before["articles"]
    assert after["claims"] - odd_claims == before["claims"]
    assert after["sources"] - odd_source == before["sources"]
    assert after["conflict_history"] == before["conflict_history"]
