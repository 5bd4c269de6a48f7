"""The review page's sign-in and work queue in a real headless browser (Debian's chromium driven by
Playwright), against a server whose people have their own accounts and keys.

A reviewer signs in with their own key (and out again); a reader can look but not act; the queue is
filtered by kind, source and subject alias; two conflicts are dismissed at once with one reason and
one note; a suggestion is accepted and opens its conflict. Every write is checked through the REST
API and the audit log, under the reviewer's account.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from claims.settings import PROJECT_ROOT
from tests.test_api import walk
from tests.test_review_page import ARGS, CHROMIUM
from tests.test_workflow_queue import pair, suggest
from tests.workflow_fixtures import admin, make_user, unique, wf_dsn, wf_server

__all__ = ["admin", "wf_dsn", "wf_server"]  # fixtures
pytestmark = pytest.mark.model

SHOTS = PROJECT_ROOT / ".data" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture(scope="module")
def people(admin: httpx.Client) -> dict[str, Any]:
    reviewer, key = make_user(admin, "reviewer")
    reader, reader_key = make_user(admin, "reader")
    return {"reviewer": reviewer, "key": key, "reader": reader, "reader_key": reader_key}


@pytest.fixture(scope="module")
def items(admin: httpx.Client, wf_dsn: str) -> dict[str, Any]:
    """Two open conflicts and one suggestion, from sources named after this module's tag."""
    from tests.conftest import link

    tag = unique("R").replace("-", "")
    c1a, c1b = pair(admin, f"{tag}A", "4,100", "1,250")
    c2a, c2b = pair(admin, f"{tag}B", "900", "600")
    s1a, s1b = pair(admin, f"{tag}C", "5,000", "2,000")
    mine = [c["id"] for c in (c1a, c1b, c2a, c2b, s1a, s1b)]
    with psycopg.connect(wf_dsn, autocommit=True) as conn:  # the test decides what these pairs are
        conn.execute("DELETE FROM conflicts WHERE claim_a = ANY(%(c)s) OR claim_b = ANY(%(c)s)", {"c": mine})
        conn.execute("DELETE FROM matches WHERE claim_a = ANY(%(c)s) OR claim_b = ANY(%(c)s)", {"c": mine})
    matched = (
        "port authority: {} vs {} [matched on both containers lost; same story (storm, port); similar wording 81%]"
    )
    link(wf_dsn, [(c1a["id"], c1b["id"], "conflict", 0.7)], reason=matched.format("4,100", "1,250"))
    link(wf_dsn, [(c2a["id"], c2b["id"], "conflict", 0.4)], reason=matched.format("900", "600"))
    suggest(wf_dsn, s1a["id"], s1b["id"], "conflict")
    queue = walk(admin, "/v1/queue", status="any")

    def find(kind: str, x: dict[str, Any], y: dict[str, Any]) -> int:
        want = {x["id"], y["id"]}
        return int(next(i for i in queue if i["kind"] == kind and {c["id"] for c in i["claims"]} == want)["id"])

    return {
        "tag": tag,
        "c1": find("conflict", c1a, c1b),
        "c2": find("conflict", c2a, c2b),
        "s1": find("suggestion", s1a, s1b),
    }


def sign_in(page: Page, server: str, key: str, start: str = "/review/queue") -> None:
    page.goto(f"{server}{start}")
    page.get_by_role("link", name="Sign in to work through the queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to review")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()


def test_a_reviewer_signs_in_with_their_own_key_and_out_again(
    page: Page, wf_server: str, people: dict[str, Any], items: dict[str, Any]
) -> None:
    name = people["reviewer"]["name"]
    sign_in(page, wf_server, "clm_000000000000_not-a-key")
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    page.get_by_label("API key").fill(people["key"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{wf_server}/review/queue")
    expect(page.get_by_role("banner")).to_contain_text(f"Signed in as {name} (reviewer)")
    # every control of the queue has a label, and the page runs no script
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(el => !el.labels || el.labels.length === 0).map(el => el.name)"""
    )
    assert unlabelled == [] and page.evaluate("() => document.scripts.length") == 0
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "claims_review"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/review"
    assert people["key"] not in cookie["value"] and people["key"].split("_")[1] in cookie["value"]
    # a conflict's form records the account: no name to type
    page.goto(f"{wf_server}/review/conflicts/{items['c1']}")
    expect(page.get_by_label("Note")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "claims_review"]


def test_a_reader_can_look_but_not_act(
    page: Page, wf_server: str, people: dict[str, Any], items: dict[str, Any]
) -> None:
    sign_in(page, wf_server, people["reader_key"])
    expect(page.get_by_role("banner")).to_contain_text("(reader)")
    expect(page.locator("article.item").first).to_be_visible()
    expect(page.get_by_role("button", name="Dismiss the ticked items")).to_have_count(0)
    page.goto(f"{wf_server}/review/conflicts/{items['c1']}")
    expect(page.locator("p.signin")).to_contain_text("can read, not review")


def test_queue_filters_bulk_dismiss_with_a_note_and_accept_a_suggestion(
    page: Page, wf_server: str, admin: httpx.Client, people: dict[str, Any], items: dict[str, Any]
) -> None:
    tag, c1, c2, s1 = items["tag"], items["c1"], items["c2"], items["s1"]
    name = people["reviewer"]["name"]
    sign_in(page, wf_server, people["key"])
    cards = page.locator("article.item")

    # filter: suggestions only, from one source (typed as an editor would, in lower case)
    page.get_by_label("Kind").select_option("suggestion")
    page.get_by_label("Source").fill(f"{tag}C Wire".lower())
    page.get_by_role("button", name="Filter").click()
    expect(cards).to_have_count(1)
    expect(cards.first.get_by_role("heading", level=2)).to_contain_text(f"Suggestion {s1}")
    # the "Why" is in words; the matcher's scores are behind the details fold
    expect(cards.first.locator(".why .reason")).to_contain_text("The figures disagree")
    expect(cards.first.locator(".why details p")).not_to_be_visible()

    # back to everything of this tag's first two pairs, sorted by severity: the 0.7 conflict first
    page.goto(f"{wf_server}/review/queue?kind=conflict&sort=severity&source={tag}A+Wire")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("far apart")  # severity 0.7, in words
    expect(cards.first.locator(".grounds")).to_contain_text("both figures are about containers lost")
    page.goto(f"{wf_server}/review/queue?kind=conflict&status=open")
    # a subject alias is resolved (the port authority has none: the prefix search finds it as typed)
    page.get_by_label("Subject").fill("zzz-no-such-subject")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("p.empty")).to_be_visible()

    # bulk: tick both conflicts, dismiss them with a reason and one note
    page.goto(f"{wf_server}/review/queue?kind=conflict&status=open")
    page.get_by_label(f"Select conflict {c1}", exact=True).check()
    page.get_by_label(f"Select conflict {c2}", exact=True).check()
    page.get_by_label("Reason for dismissing").select_option("compatible")
    page.get_by_label("Note").fill("Both figures are from the same port log, rounded differently")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "queue.png"), full_page=False)
    page.get_by_role("button", name="Dismiss the ticked items").click()
    expect(page.get_by_role("status").first).to_contain_text("Dismiss: 2 items done")
    for conflict_id in (c1, c2):
        detail = admin.get(f"/v1/conflicts/{conflict_id}").json()
        assert detail["status"] == "dismissed"
        last = detail["history"][-1]
        assert last["reviewer"] == name
        assert last["note"] == "compatible; Both figures are from the same port log, rounded differently"
    audit = admin.get("/v1/audit", params={"account": people["reviewer"]["id"]}).json()["items"]
    assert {(e["action"], e["object_id"]) for e in audit} >= {("conflict.review", c1), ("conflict.review", c2)}

    # dismissing without a reason or a note is refused, and nothing changes
    page.goto(f"{wf_server}/review/queue?kind=suggestion&source={tag}C+Wire")
    page.get_by_label(f"Select suggestion {s1}", exact=True).check()
    page.get_by_role("button", name="Dismiss the ticked items").click()
    expect(page.get_by_role("alert")).to_contain_text("needs a reason from the list or a note")

    # accept the suggestion with its own button: it becomes a link and its conflict opens
    page.goto(f"{wf_server}/review/queue?kind=suggestion&source={tag}C+Wire")
    page.get_by_role("button", name=f"Accept suggestion {s1}").click()
    expect(page.get_by_role("status").first).to_contain_text("Accept: 1 item done")
    expect(page.locator("p.empty")).to_be_visible()  # it left the open queue
    opened = [i for i in walk(admin, "/v1/queue", kind="conflict", source=f"{tag}C Wire")]
    assert len(opened) == 1 and opened[0]["status"] == "open"
    entries = admin.get("/v1/audit", params={"account": people["reviewer"]["id"]}).json()["items"]
    assert any(e["action"].startswith("suggestion.accept") or e["object_id"] == s1 for e in entries)

    # the conflict page, for the screenshots in docs/
    page.goto(f"{wf_server}/review/conflicts/{opened[0]['id']}")
    page.screenshot(path=str(SHOTS / "conflict.png"), full_page=True)


def test_queue_posts_are_csrf_safe(wf_server: str, people: dict[str, Any], items: dict[str, Any]) -> None:
    """A session cookie alone does not act: the form's token and the same origin are needed."""
    with httpx.Client(base_url=wf_server, timeout=60, trust_env=False) as c:
        r = c.post("/review/login", data={"key": people["key"], "next": "/review/queue"})
        assert r.status_code == 303
        form = {"action": "assign", "item": f"conflict:{items['c1']}"}
        assert c.post("/review/queue", data=form).status_code == 403
        assert c.post("/review/queue", data={**form, "csrf": "x" * 40}).status_code == 403
        page = c.get("/review/queue").text
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        r = c.post("/review/queue", data={**form, "csrf": token}, headers={"Origin": "https://evil.example"})
        assert r.status_code == 403
        r = c.post("/review/queue", data={**form, "csrf": token, "back": "https://evil.example/"})
        assert r.status_code == 303 and r.headers["location"] == "/review"  # no open redirect
        assert "Assign to me: 1 item done" in c.get("/review/queue?assigned=mine&status=any").text
        mine = c.get("/review/queue?assigned=mine&status=any").text
        assert f"Conflict {items['c1']}" in mine and "assigned to " + people["reviewer"]["name"] in mine
        assert "item done" not in mine  # the message is shown once
        assert "is an alias of &#39;European Union&#39;" in c.get("/review/queue?subject=EU").text
