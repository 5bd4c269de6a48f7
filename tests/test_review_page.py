"""The review page in a real headless browser (Debian's chromium driven by Playwright).

Load the queue, filter it, sign in, review one conflict through the form, see the history; plus
the page's access rules (key required for writes, no cross-site posts) and accessibility basics.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from claims.settings import PROJECT_ROOT
from tests.conftest import API_KEY
from tests.newsroom_fixtures import *  # noqa: F403
from tests.newsroom_fixtures import make_conflict, reset

pytestmark = pytest.mark.model

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = PROJECT_ROOT / ".data" / "screenshots" / "review.png"

COUNT_TEXT = "The port authority said {n} containers were lost in the storm on 2 May 2024."
SHIPS_TEXT = "The navy said {n} ships were damaged in the harbour fire on 9 June 2024."


@pytest.fixture(scope="module")
def data(nclient: httpx.Client, newsroom_dsn: str) -> dict[str, Any]:
    reset(newsroom_dsn)
    port = make_conflict(
        nclient, newsroom_dsn, tag="Port", high="4,100", low="1,250", severity=0.7, subject_text=COUNT_TEXT
    )
    navy = make_conflict(nclient, newsroom_dsn, tag="Navy", high="40", low="12", severity=0.6, subject_text=SHIPS_TEXT)
    ids = {}
    for name, k in (("port", port), ("navy", navy)):
        (c,) = nclient.get("/v1/conflicts", params={"article": k["article_a"]}).json()["items"]
        ids[name] = c["id"]
    return {"port": port, "navy": navy, "ids": ids}


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
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def test_load_filter_review_and_see_history(
    page: Page, newsroom_server: str, nclient: httpx.Client, data: dict[str, Any]
) -> None:
    """The whole loop a fact-checker goes through, in the browser."""
    port_id, navy_id = data["ids"]["port"], data["ids"]["navy"]
    page.goto(f"{newsroom_server}/review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open conflicts")
    cards = page.locator("article.conflict")
    expect(cards).to_have_count(2)
    # newest first: the navy conflict was stored after the port one
    expect(cards.nth(0).get_by_role("heading", level=2)).to_contain_text(f"Conflict {navy_id}")
    # both sentences side by side, each figure highlighted at its offsets
    port_card = page.locator("article.conflict", has=page.get_by_role("link", name=f"Conflict {port_id}"))
    expect(port_card.locator("mark")).to_have_text([data["port"]["a"]["text"], data["port"]["b"]["text"]])
    expect(port_card.locator(".claim h3")).to_have_text(["Port Wire", "Port Post"])
    expect(port_card).to_contain_text("Published 2024-05-03")
    expect(port_card).to_contain_text("Port: 4,100 vs 1,250")  # the reason

    # filter by source, with the keyboard
    page.get_by_label("Source").fill("Port Post")
    page.get_by_label("Source").press("Enter")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(f"Conflict {port_id}")

    # keys are configured: reviewing needs signing in first
    page.get_by_role("link", name=f"Sign in to review conflict {port_id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to review")
    page.get_by_label("API key").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    page.get_by_label("API key").fill(API_KEY)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{newsroom_server}/review/conflicts/{port_id}")

    # review it with a note
    page.get_by_label("Note").fill("Port log says 4,100; the Post misread it")
    page.get_by_label("Your name").fill("Ana")
    page.get_by_role("button", name=f"Confirm conflict {port_id}").click()
    expect(page.get_by_role("status")).to_contain_text("Review saved")
    rows = page.locator(".history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("open")
    expect(rows.nth(1)).to_contain_text("confirmed")
    expect(rows.nth(1)).to_contain_text("Ana")
    expect(rows.nth(1)).to_contain_text("Port log says 4,100")
    expect(page.get_by_label("Your name")).to_have_value("Ana")  # remembered for the next review

    # the same store functions as the API: the REST history shows it too
    detail = nclient.get(f"/v1/conflicts/{port_id}").json()
    assert detail["status"] == "confirmed"
    assert [(h["status"], h["reviewer"]) for h in detail["history"]] == [("open", None), ("confirmed", "Ana")]

    # signed in, every card has its review form; this is the screenshot to look at
    page.goto(f"{newsroom_server}/review?status=all")
    expect(cards).to_have_count(2)
    expect(page.get_by_role("button", name=f"Dismiss conflict {navy_id}")).to_be_visible()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000

    # it left the open queue and shows under its new status
    page.goto(f"{newsroom_server}/review")
    expect(cards).to_have_count(1)
    page.get_by_label("Status").select_option("confirmed")
    page.get_by_role("button", name="Filter").click()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(f"Conflict {port_id}")

    # the timeline of one figure: an SVG chart with both claims, and the same data as a table
    page.get_by_role("link", name="Timeline of this figure (Port Wire)").first.click()
    expect(page.get_by_role("img", name="Value by as-of date")).to_be_visible()
    expect(page.locator("svg circle")).to_have_count(2)
    expect(page.locator("table.points tbody tr")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOT.with_name("timeline.png")), full_page=True)

    # reopen it so the module's other tests see two open conflicts
    page.goto(f"{newsroom_server}/review/conflicts/{port_id}")
    page.get_by_role("button", name=f"Reopen conflict {port_id}").click()
    expect(page.locator(".history tbody tr")).to_have_count(3)


def test_page_is_keyboard_and_screen_reader_friendly(page: Page, newsroom_server: str, data: dict[str, Any]) -> None:
    page.goto(f"{newsroom_server}/review")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    for role in ("banner", "main", "contentinfo", "navigation", "search"):
        expect(page.get_by_role(role).first).to_be_visible()
    for label in ("Status", "Subject", "Source"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    # every form control has a label (or is a button with a name, or hidden)
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(el => !el.labels || el.labels.length === 0).map(el => el.name)"""
    )
    assert unlabelled == []
    assert page.evaluate("() => document.scripts.length") == 0  # no script, nothing from a CDN


def test_review_posts_need_a_key_and_the_same_origin(
    nanon: httpx.Client, nclient: httpx.Client, newsroom_server: str, data: dict[str, Any]
) -> None:
    navy_id = data["ids"]["navy"]
    form = {"status": "dismissed", "note": "x", "version": ""}
    r = nanon.post(f"/review/conflicts/{navy_id}", data=form)
    assert r.status_code == 401 and "Sign in" in r.text
    r = nanon.post("/review/login", data={"key": API_KEY, "next": "https://evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/review"  # no open redirect
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and API_KEY not in cookie
    session = cookie.split(";")[0]
    page = nanon.get(f"/review/conflicts/{navy_id}", headers={"Cookie": session}).text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf, "every form of a session carries its CSRF token"
    form["csrf"] = csrf[1]
    r = nanon.post(
        f"/review/conflicts/{navy_id}",
        data=form,
        headers={"Cookie": session, "Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    r = nanon.post(f"/review/conflicts/{navy_id}", data={**form, "csrf": "0" * 40}, headers={"Cookie": session})
    assert r.status_code == 403 and "expired" in r.text  # the session's cookie without its form token
    assert nclient.get(f"/v1/conflicts/{navy_id}").json()["status"] == "open"
    r = nanon.post(f"/review/conflicts/{navy_id}", data={**form, "version": "999"}, headers={"Cookie": session})
    assert r.status_code == 409 and "Reload" in r.text  # a stale form does not overwrite a review
    r = nanon.post(f"/review/conflicts/{navy_id}", data={**form, "status": "bogus"}, headers={"Cookie": session})
    assert r.status_code == 400
    r = nanon.post(f"/review/conflicts/{navy_id}", data={**form, "note": ""}, headers={"Cookie": session})
    assert r.status_code == 422  # a dismissal needs a reason or a note
    forged = session[:-4] + ("0000" if not session.endswith("0000") else "1111")
    assert "Sign out" not in nanon.get("/review", headers={"Cookie": forged}).text  # the MAC is checked
    assert nanon.get("/review/conflicts/987654").status_code == 404
    css = nanon.get("/static/review.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
