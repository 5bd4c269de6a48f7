"""Extraction never crashes: property tests (hypothesis, fixed seed) feed `claims.extract` arbitrary
Unicode, enormous and tiny numbers, odd whitespace and HTML. It returns claims or nothing, never
raises, and every claim's offsets point at its text in the cleaned text."""

from __future__ import annotations

import math
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

from claims import extract
from claims.models import KINDS, QUALIFIERS
from claims.settings import Settings
from claims.text.nlp import get_nlp

pytestmark = [pytest.mark.model, pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")]

EXAMPLES = 200
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing remembered between runs: the same examples every time
    derandomize=True,  # fixed seed
    suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.data_too_large],
)
NLP = get_nlp(Settings().spacy_model)
TRIED: dict[str, int] = {}

ODD_SPACE = ["\u00a0", "\u2009", "\u200b", "\u202f", "\u3000", "\t", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\u00ad", "\ufeff"]  # fmt: skip
WORDS = ["refugees", "percent", "per cent", "%", "million", "billion", "bn", "m", "k", "euros", "€", "$", "US$", "¥",
         "yen", "ships", "around", "more than", "at least", "up to", "between", "and", "to", "by", "since", "in",
         "March", "Feb.", "2022", "1950s", "the", "said", "officials", "about", "nearly", "–", "-", ".", ",", ";"]  # fmt: skip


def check(result: Any, kind: str) -> None:
    """The invariants every extraction keeps, whatever it was given."""
    TRIED[kind] = TRIED.get(kind, 0) + 1
    text = result.text
    assert isinstance(text, str)
    for c in result.claims:
        assert 0 <= c.start < c.end <= len(text), c
        assert text[c.start : c.end] == c.text, (c.text, text[c.start : c.end])
        assert c.kind in KINDS and c.qualifier in QUALIFIERS
        assert all(x is None or math.isfinite(x) for x in (c.value, c.low, c.high)), c


def run(kind: str, **kwargs: Any) -> None:
    check(extract(nlp=NLP, **kwargs), kind)


published = st.one_of(
    st.none(),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}"),
    st.integers(1, 9999).map(lambda y: f"{y:04d}"),
)


@SETTINGS
@hypothesis.given(text=st.text(max_size=400), published=published)
def test_arbitrary_unicode(text: str, published: str | None) -> None:
    run("unicode", text=text, published=published)


def _number(draw: Any) -> str:
    n = draw(
        st.one_of(
            st.integers(-(10**400), 10**400).map(str),
            st.integers(0, 10**30).map(lambda i: f"{i:,}"),
            st.floats(allow_nan=True, allow_infinity=True).map(repr),
            st.floats(min_value=1e-320, max_value=1e-300).map(lambda f: f"{f:.330f}"),
            st.floats(min_value=1e300, max_value=1.7e308).map(lambda f: f"{f:f}"),
            st.decimals(allow_nan=False, allow_infinity=False, places=20).map(str),
            st.sampled_from(
                [
                    "0",
                    "00000",
                    "1e309",
                    "9" * 500,
                    "0." + "0" * 400 + "1",
                    "1,000,000,000,000,000,000",
                    "½",
                    "¾",
                    "①",
                    "٣",
                    "１２３",
                    "Ⅻ",
                    "1.2.3",
                    "1,2,3",
                    "10^400",
                    "−5",
                    "+-3",
                    "1e-999",
                ]
            ),
        )
    )
    return str(n)


@st.composite
def numbery_text(draw: Any) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 25))):
        parts.append(_number(draw) if draw(st.booleans()) else draw(st.sampled_from(WORDS)))
        parts.append(draw(st.sampled_from([" ", " ", " ", *ODD_SPACE])))
    return "".join(parts)


@SETTINGS
@hypothesis.given(text=numbery_text(), published=published)
def test_enormous_tiny_and_odd_numbers(text: str, published: str | None) -> None:
    run("numbers", text=f"Officials said {text} on 3 March 2022.", published=published)


@SETTINGS
@hypothesis.given(
    sentence=st.sampled_from(
        [
            "The ministry said 1,200 refugees had arrived by 3 March 2023.",
            "Japan pledged about $4.5 billion in aid, roughly 12 percent more than in 2022.",
            "More than 2,700 people were evacuated between 24 February and 1 March.",
        ]
    ),
    spaces=st.lists(st.sampled_from(ODD_SPACE), min_size=1, max_size=40),
    seed=st.randoms(use_true_random=False),
)
def test_odd_whitespace_everywhere(sentence: str, spaces: list[str], seed: Any) -> None:
    chars = list(sentence)
    for space in spaces:
        chars.insert(seed.randrange(len(chars) + 1), space)
    run("whitespace", text="".join(chars), published="2023-03-05")


TAGS = ["p", "div", "span", "b", "i", "a", "table", "tr", "td", "ul", "li", "script", "style", "noscript", "iframe",
        "svg", "math", "template", "nav", "footer", "aside", "figure", "figcaption", "br", "img", "h1", "pre", "code"]  # fmt: skip
html_text = st.one_of(
    st.text(max_size=40),
    numbery_text(),
    st.sampled_from(
        [
            "&amp;",
            "&nbsp;",
            "&#x24;",
            "&#36;5 million",
            "&lt;b&gt;",
            "&euro;",
            "&#0;",
            "&#xD800;",
            "<!-- 5 ships -->",
            "<![CDATA[ 7 ]]>",
            "RELATED POSTS",
            "Accept cookies",
            'srcset="a.jpg 515w"',
            "]]>",
            "<",
            ">",
            "&",
        ]
    ),
)


def _wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, attr, inner, close: f"<{tag}{attr}>{inner}" + (f"</{tag}>" if close else ""),
        st.sampled_from(TAGS),
        st.sampled_from(["", ' class="x"', ' srcset="a.jpg 515w, b.jpg 1024w"', " data-n='12'", ' style="x:1"', " x"]),
        st.lists(children, max_size=4).map("".join),
        st.booleans(),
    )


html_docs = st.recursive(html_text, _wrap, max_leaves=40)


@SETTINGS
@hypothesis.given(html=html_docs, published=published)
def test_arbitrary_html(html: str, published: str | None) -> None:
    run("html", html=html, published=published)


@pytest.mark.parametrize("depth", [1_000, 20_000])
def test_deeply_nested_html(depth: int) -> None:
    run("html-nested", html="<div>" * depth + "Officials counted 4,100 containers on 2 May 2024." + "</div>" * depth)


@pytest.mark.parametrize(
    "html",
    [
        "",
        " ",
        "<p></p>",
        "<script>var x = 5000000;</script>",
        "<style>p{width:100%}</style>",
        "<!-- 12 ships -->",
        "<html><head><title>5 ships</title></head><body></body></html>",
        "<img alt='12 ships'>",
    ],
)
def test_only_markup_gives_nothing_not_an_error(html: str) -> None:
    result = extract(html=html, nlp=NLP)
    check(result, "markup-only")
    assert not [c for c in result.claims if c.start >= len(result.text)]


@pytest.mark.parametrize(
    "text",
    [
        "Officials said around 1" + "0" * 309 + " refugees arrived.",
        "About " + "9" * 400 + " percent of them sank.",
        "The fund lost " + "9" * 300 + " billion dollars.",  # finite number, overflows times 1e9
        "The fund lost $" + "9" * 300 + "bn.",
        "Between 5 and " + "9" * 400 + " refugees arrived.",  # a range whose upper end overflows
        "Between 5 and 1" + "0" * 300 + " billion euros were spent.",
        "Around 17" + "0" * 307 + " refugees arrived.",  # finite value, the tolerance overflows
        "Prices rose minus " + "9" * 400 + " percent.",
        "Output grew " + "9" * 400 + "-fold.",
        "The road is more than " + "9" * 400 + " km long.",
        "Some " + "9" * 300 + " billions of dollars were lost.",  # the vague `billions of` stays out
    ],
)
def test_figures_past_the_float_range_give_no_claim(text: str) -> None:
    """A figure past the float range is no usable quantitative claim: it is dropped, never inf/NaN."""
    result = extract(text, nlp=NLP)
    check(result, "past-float-range")
    assert result.claims == [] or all(c.kind == "date" for c in result.claims), result.claims


def test_a_bound_past_the_float_range_leaves_the_other_bound() -> None:
    """`more than 5 and less than 10^400`: the overflowing bound goes, the finite one stays a claim."""
    claims = extract("More than 5 and less than " + "9" * 400 + " refugees arrived.", nlp=NLP).claims
    assert [(c.text, c.value, c.low, c.high, c.qualifier) for c in claims] == [
        ("More than 5", 5.0, 5.0, None, "more_than")
    ]


def test_the_largest_finite_figures_still_count() -> None:
    """Only what overflows goes: an exact figure just under the float maximum is kept as written."""
    claims = extract("Officials said 1" + "0" * 307 + " refugees arrived.", nlp=NLP).claims
    assert [(c.value, c.low, c.high) for c in claims] == [(1e307, 1e307, 1e307)]


def test_zz_report_examples_tried() -> None:
    """Runs last in this file: prints how many inputs each property tried (for docs/ROBUSTNESS.md)."""
    print(f"\nextraction inputs tried: {TRIED}")  # shown with -s
