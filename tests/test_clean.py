"""Cleaning: furniture out, article sentences intact, whitespace normalised, odd input tolerated."""

from __future__ import annotations

import pytest

from claims.text.clean import clean_html, clean_text

ARTICLE = "Japan has provided 11 billion euros in aid to Ukraine."


@pytest.mark.parametrize(
    "furniture",
    [
        '515w" sizes="(max-width: 515px) 100vw, 515px" class="lazyload" data-sizes="auto" '
        'data-srcset="data:image/svg xml, 515w?w=75&resize=75 75w" data-src="https://x.com/a.jpg">',
        '<img src="https://x.com/a.jpg" srcset="a.jpg 1024w">',
        "This website uses cookies to improve your experience. We'll assume you're ok with this, "
        "but you can opt-out if you wish. Accept",
        "RELATED POSTS",
        "Recent Features",
        "Features",
        "Dismiss",
        "COMMENTS",
        "Comments are closed.",
        "Comments are moderated and generally will be posted if they are on-topic and not abusive.",
        "For more information, please see our Comments FAQ",
        "Like Opinion & Editorial on Facebook, follow @ETOpEd on Twitter to receive all updates.",
        "Replying to X",
        "RELATED: Invasion in Ukraine: It's time for Beijing to rethink Taiwan",
        "Share this article",
        "Credit: Prime Minister's Office of Japan",
    ],
)
def test_furniture_lines_are_dropped(furniture: str) -> None:
    raw = f"{ARTICLE}\n\n{furniture}\n\nTokyo welcomed more than 2,700 refugees."
    assert clean_text(raw) == f"{ARTICLE}\n\nTokyo welcomed more than 2,700 refugees."


@pytest.mark.parametrize(
    "sentence",
    [
        "Japan receives around 9% of its LNG from Russia; it shares photos at 1024 pixels.",
        "The share of comments rose, officials said.",
        "Features of the deal include $100 million in loans.",
        "Related talks resumed in March.",
        "Cookies were sold at 3 yen each.",
    ],
)
def test_article_sentences_survive(sentence: str) -> None:
    """Cleaning is conservative: a sentence that merely mentions furniture words stays."""
    assert clean_text(sentence) == sentence


def test_whitespace_is_normalised() -> None:
    raw = "  Title  \r\n\r\n\r\nFirst\u00a0 para  here.\n\n\n\nSecond\tpara.\u200b  "
    assert clean_text(raw) == "Title\n\nFirst para here.\n\nSecond para."


def test_hard_wrapped_lines_are_joined() -> None:
    raw = "Japan has provided 11 billion euros\nin aid to Ukraine.\nA new paragraph."
    assert clean_text(raw) == "Japan has provided 11 billion euros in aid to Ukraine.\n\nA new paragraph."


@pytest.mark.parametrize("raw", ["", "   ", "\n\n\n", "\x00\x01", "<<<>>>", "😀" * 3])
def test_odd_input_does_not_raise(raw: str) -> None:
    assert isinstance(clean_text(raw), str)
    assert isinstance(clean_html(raw), str)


def test_html_keeps_paragraphs_and_drops_page_chrome() -> None:
    html = """<html><head><title>T</title><style>p{color:red}</style><script>var x = 515;</script></head>
    <body><nav><a href="/">Home</a> <a href="/world">World 24</a></nav>
    <article><h1>Japan backs Ukraine</h1>
    <p>Japan has provided <b>11 billion euros</b> in aid.</p>
    <figure><img src="a.jpg" srcset="a.jpg 515w, b.jpg 1024w" sizes="100vw"><figcaption>Photo 3</figcaption></figure>
    <p>Tokyo welcomed more than 2,700 refugees.<br>It was a first.</p>
    <aside>Most read: 10 things</aside>
    <div class="share-box">Share on Facebook</div>
    <div id="cookie-notice">We use cookies.</div>
    </article><footer>(c) 2025 Example</footer></body></html>"""
    assert clean_html(html) == (
        "Japan backs Ukraine\n\nJapan has provided 11 billion euros in aid.\n\n"
        "Tokyo welcomed more than 2,700 refugees.\n\nIt was a first."
    )


def test_html_fragment_without_body() -> None:
    assert clean_html("<p>One.</p><p>Two.</p>") == "One.\n\nTwo."
