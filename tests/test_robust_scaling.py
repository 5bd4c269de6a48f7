"""Extraction is linear in its input: per-KB time does not grow with size (issue #15).

Adversarial documents repeat one token family (numbers, money, counts, relative dates, dates with
percents, symbols, unclosed markup) to 1 KB and to 12 KB; the time per KB at 12 KB must stay
within a generous factor of the time per KB at 1 KB (quadratic work gives 12x there; the causes
fixed gave 5x to 60x). A ratio of two sizes measured in one process, best of a few runs, so
the test does not depend on how fast the machine is. `benchmarks/extract_scaling.py` prints the
whole curve up to 1 MB.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import pytest

from claims.extraction import MAX_ARTICLE_CLAIMS, MAX_SENTENCE_CLAIMS, ExtractionStopped, extract, extract_many
from claims.text.clean import clean_html, clean_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.language import Language

SMALL, LARGE = 1024, 12 * 1024
GROWTH_LIMIT = 4.0


def _repeat(piece: Callable[[int], str], size: int, sep: str = " ") -> str:
    out: list[str] = []
    total = i = 0
    while total < size:
        s = piece(i) + sep
        out.append(s)
        total += len(s)
        i += 1
    return "".join(out)


FAMILIES: dict[str, Callable[[int], str]] = {
    "numbers": lambda n: _repeat(str, n),
    "money in one sentence": lambda n: "Costs were " + _repeat(lambda i: f"${i + 1} million", n, ", "),
    "counts, one per sentence": lambda n: _repeat(lambda i: f"There were {i} refugees.", n),
    "relative dates": lambda n: _repeat(lambda i: "last Monday", n),
    "percents with dates": lambda n: _repeat(lambda i: f"{i % 90 + 1}% in March {1990 + i % 30}", n, ", "),
    "space-grouped digits": lambda n: _repeat(lambda i: f"{100 + i % 900}", n),
    "ranges and units": lambda n: _repeat(lambda i: f"between {i} and {i + 5} km", n, ", "),
    "symbols <": lambda n: "<" * n,
    "symbols $": lambda n: "$" * n,
    "event dates": lambda n: _repeat(lambda i: f"The 2022 invasion began on {i % 28 + 1} February.", n),
}


def _per_kb(run: Callable[[], object], size: int, runs: int = 2) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best / (size / 1024)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_extraction_time_per_kb_does_not_grow(
    model_nlp: Language, family: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="claims.extraction")
    build = FAMILIES[family]
    small, large = build(SMALL), build(LARGE)
    extract("Warm-up: 5 people.", nlp=model_nlp)
    small_kb = _per_kb(lambda: extract(small, published="2024-05-01", nlp=model_nlp), len(small), runs=3)
    large_kb = _per_kb(lambda: extract(large, published="2024-05-01", nlp=model_nlp), len(large), runs=1)
    assert large_kb < GROWTH_LIMIT * small_kb, (family, small_kb * 1000, large_kb * 1000)


def test_unclosed_markup_cleans_in_linear_time() -> None:
    def page(n: int) -> str:
        return "<div>" * (n // 5) + "<section>" * (n // 90) + "<p>About 3,000 people fled.</p>"

    small_kb = _per_kb(lambda: clean_html(page(16 * 1024)), 16 * 1024)
    large_kb = _per_kb(lambda: clean_html(page(256 * 1024)), 256 * 1024)
    assert large_kb < GROWTH_LIMIT * small_kb, (small_kb * 1000, large_kb * 1000)
    assert "About 3,000 people fled." in clean_html(page(256 * 1024))


def test_normal_pages_and_separators_are_left_as_they_are() -> None:
    nested = "<div>" * 40 + "<p>Prices rose 5% in May.</p>" + "</div>" * 40
    assert clean_html(nested) == "Prices rose 5% in May."
    rule = "=" * 80
    assert clean_text(f"Prices rose 5% in May.\n\n{rule}\n\nAbout 300 people left.") == (
        f"Prices rose 5% in May.\n\n{rule}\n\nAbout 300 people left."
    )
    assert max(len(w) for w in clean_text("<" * 5000).split()) <= 50


def test_the_budget_cuts_long_sentences_and_says_so(model_nlp: Language, caplog: pytest.LogCaptureFixture) -> None:
    text = "Costs were " + ", ".join(f"${i + 1} million" for i in range(MAX_SENTENCE_CLAIMS + 30)) + "."
    with caplog.at_level(logging.WARNING, logger="claims.extraction"):
        ex = extract(text, published="2024-05-01", nlp=model_nlp)
    assert len(ex.claims) == MAX_SENTENCE_CLAIMS
    assert [c.text for c in ex.claims[:2]] == ["$1 million", "$2 million"]
    assert any("extraction budget" in r.getMessage() for r in caplog.records)
    assert MAX_ARTICLE_CLAIMS >= 10 * MAX_SENTENCE_CLAIMS


def test_extraction_stops_when_asked(model_nlp: Language) -> None:
    text = " ".join(f"There were {i} refugees in town {i}." for i in range(40))
    asked = 0

    def stop_after_five() -> bool:
        nonlocal asked
        asked += 1
        return asked > 5

    with pytest.raises(ExtractionStopped):
        list(extract_many(model_nlp, [(text, "2024-05-01")], should_stop=stop_after_five))
    assert asked == 6
    assert len(next(extract_many(model_nlp, [(text, "2024-05-01")], should_stop=lambda: False)).claims) >= 40
