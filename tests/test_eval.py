"""The gold scorer (`tools.eval.gold`): locator, overlap rules, normalisation tolerance, and the
figures the project commits to on the seed articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claims.models import Claim, Extraction
from tools.eval.gold import (
    check_normalisation,
    evaluate,
    format_report,
    load_inputs,
    locate,
    score_article,
)

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold" / "seeds.gold.json"
SEEDS = ROOT / "seeds"

STRICT_F1_TARGET = 0.90
"""The project's commitment: strict F1 (detected AND normalised right) on the seeds."""
RECALL_FLOOR = 0.90
PRECISION_FLOOR = 0.85


def claim(text: str, start: int, kind: str = "count", **kw: Any) -> Claim:
    return Claim(kind=kind, text=text, start=start, end=start + len(text), sentence="", **kw)  # type: ignore[arg-type]


def gold_item(raw: str, span: str, *, nth: int = 0, required: bool = True, **kw: Any) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = raw.index(span, start + 1)
    return {"span": span, "start": start, "end": start + len(span), "required": required, **kw}


RAW = (
    "Japan gave   $100 million in aid.\n\n"
    '515w" sizes="(max-width: 515px) 100vw" data-srcset="x 75w, y 1024w"\n\n'
    "RELATED POSTS\n"
    "Later it gave $100 million more, and more than 2,700\nrefugees came. In 1188 AD; 188 refugees."
)
CLEAN = (
    "Japan gave $100 million in aid.\n\n"
    "Later it gave $100 million more, and more than 2,700 refugees came. In 1188 AD; 188 refugees."
)


def test_locator_skips_removed_debris_and_picks_occurrence_by_context() -> None:
    """The second `$100 million` is found as the second one, though debris before it was dropped."""
    g = gold_item(RAW, "$100 million", nth=1)
    pos = locate(RAW, g["start"], g["end"], CLEAN)
    assert pos is not None
    assert CLEAN[pos[0] : pos[1]] == "$100 million"
    assert pos[0] == CLEAN.index("$100 million", 20)


def test_locator_maps_whitespace_normalised_spans() -> None:
    """A span with a newline inside matches its single-space form in the cleaned text."""
    g = gold_item(RAW, "2,700\nrefugees")
    pos = locate(RAW, g["start"], g["end"], CLEAN)
    assert pos is not None and CLEAN[pos[0] : pos[1]] == "2,700 refugees"


def test_locator_respects_word_boundaries_and_reports_losses() -> None:
    """`188` never matches inside `1188`; a span that cleaning removed is reported as None."""
    g = gold_item(RAW, "188", nth=1)
    pos = locate(RAW, g["start"], g["end"], CLEAN)
    assert pos is not None and CLEAN[pos[0] - 2 : pos[1]] == "; 188"
    lost = gold_item(RAW, "1024w")
    assert locate(RAW, lost["start"], lost["end"], CLEAN) is None


def test_overlap_precision_recall_and_negatives() -> None:
    """Partial overlap detects; optional gold makes a prediction correct but is not required;
    predictions on negative strings are counted."""
    raw = "About 9% of LNG. Some 3 ships came. The Group of Seven met. 40 people."
    gold = [
        gold_item(raw, "About 9%", kind="percent", value=9, qualifier="approx", unit="percent"),
        gold_item(raw, "3 ships", kind="count", value=3, required=False),
        gold_item(raw, "40 people", kind="count", value=40),
    ]
    preds = [
        claim("9%", raw.index("9%"), "percent", value=9.0, unit="percent"),
        claim("3 ships", raw.index("3 ships"), value=3.0),
        claim("Seven", raw.index("Seven"), value=7.0),
    ]
    score = score_article(
        "a.txt", raw, gold, Extraction(text=raw, claims=preds, extractor_version="t"), ["Group of Seven"]
    )
    assert (score.predictions, score.predictions_on_gold, score.predictions_right) == (3, 2, 2)
    assert (score.required, score.required_detected, score.required_right) == (2, 1, 1)
    assert score.negatives == 1
    assert [m.text for m in score.misses] == ["40 people"]
    assert [f.text for f in score.false_positives] == ["Seven"]


@pytest.mark.parametrize(
    ("gold", "pred", "right"),
    [
        ({"kind": "count", "value": 2700}, {"value": 2713.0}, True),  # 0.48 %
        ({"kind": "count", "value": 2700}, {"value": 2720.0}, False),  # 0.74 %
        ({"kind": "money", "value": 44e9, "unit": "USD"}, {"value": 44e9, "unit": "USD"}, True),
        ({"kind": "money", "value": 44e9, "unit": "USD"}, {"value": 44e9, "unit": "EUR"}, False),
        (
            {"kind": "percent", "qualifier": "range", "low": 150, "high": 200},
            {"low": 150.0, "high": 200.0},
            True,
        ),
        (
            {"kind": "percent", "qualifier": "range", "low": 150, "high": 200},
            {"low": 150.0, "high": 210.0},
            False,
        ),
        (
            {"kind": "percent", "qualifier": "less_than", "value": 1, "high": 1},
            {"low": 0.0, "high": 1.0},
            True,
        ),
        ({"kind": "count", "qualifier": "more_than", "value": 200, "low": 200}, {"low": 200.0}, True),
        ({"kind": "date", "date": "2022-02-24"}, {"date": "2022-02-24"}, True),
        ({"kind": "date", "date": "2022-02"}, {"date": "2022-02-01"}, False),
        (
            {"kind": "date", "date": "2025-02", "note": "a week; month precision accepted"},
            {"date": "2025-02-17"},
            True,
        ),
    ],
)
def test_normalisation_tolerance(gold: dict[str, Any], pred: dict[str, Any], right: bool) -> None:
    """Numbers within 0.5 %, ranges on both ends, upper bounds for less_than, ISO currency and date."""
    p = claim("x", 0, str(gold["kind"]), **pred)
    assert (check_normalisation(gold, p) is None) is right


def test_evaluate_with_fake_extractor_and_report(tmp_path: Path) -> None:
    """End to end without a model: files and manifest on disk, a cleaner that drops debris."""
    (tmp_path / "a.txt").write_text(RAW, encoding="utf-8")
    (tmp_path / "manifest.json").write_text(
        json.dumps({"articles": [{"file": "a.txt", "published": "2022-03"}]}), encoding="utf-8"
    )
    g = {
        "articles": {
            "a.txt": [
                gold_item(RAW, "$100 million", kind="money", value=1e8, unit="USD"),
                gold_item(RAW, "$100 million", nth=1, kind="money", value=1e8, unit="USD"),
                gold_item(RAW, "more than 2,700", kind="count", value=2700, low=2700, qualifier="more_than"),
            ]
        },
        "negatives": {"a.txt": ["1024w"]},
    }
    (tmp_path / "gold.json").write_text(json.dumps(g), encoding="utf-8")
    gold, texts, manifest = load_inputs(tmp_path / "gold.json", tmp_path)
    assert manifest == {"a.txt": "2022-03"}
    seen: list[str | None] = []

    def fake(raw: str, published: str | None) -> Extraction:
        seen.append(published)
        first = CLEAN.index("$100 million")
        second = CLEAN.index("$100 million", first + 1)
        return Extraction(
            text=CLEAN,
            claims=[
                claim("$100 million", first, "money", value=1e8, unit="USD"),
                claim("$100 million", second, "money", value=1e8, unit="JPY"),
                claim("1188", CLEAN.index("1188"), "date", date="1188"),
            ],
            extractor_version="fake",
        )

    report = evaluate(gold, texts, manifest, nlp=None, extractor=fake)
    assert seen == ["2022-03"]
    assert report.recall == pytest.approx(2 / 3)
    assert report.precision == pytest.approx(2 / 3)
    assert report.normalised == pytest.approx(1 / 2)
    assert report.strict_recall == pytest.approx(1 / 3)
    text = format_report(report, verbose=True)
    assert "currency 'JPY' != 'USD'" in text and "'1188'" in text
    assert text.splitlines()[-1] == ("precision=0.67 recall=0.67 f1=0.67 normalised=0.50 strict_f1=0.33 negatives=0")


def test_load_inputs_accepts_a_plain_manifest_and_reports_missing_files(tmp_path: Path) -> None:
    (tmp_path / "gold.json").write_text(json.dumps({"articles": {"a.txt": [], "b.txt": []}}), encoding="utf-8")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"b\.txt"):
        load_inputs(tmp_path / "gold.json", tmp_path)
    (tmp_path / "b.txt").write_text("y", encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"a.txt": "2020", "b.txt": None}), encoding="utf-8")
    _, texts, manifest = load_inputs(tmp_path / "gold.json", tmp_path)
    assert texts == {"a.txt": "x", "b.txt": "y"} and manifest == {"a.txt": "2020", "b.txt": None}


def test_gold_copy_matches_the_seed_texts() -> None:
    """The project's gold copy lines up with seeds/ character for character."""
    gold, texts, manifest = load_inputs(GOLD, SEEDS)
    for file, items in gold["articles"].items():
        assert manifest[file], file
        for g in items:
            assert texts[file][g["start"] : g["end"]] == g["span"]


@pytest.mark.model
def test_seed_scores_meet_project_targets() -> None:
    """The real extractor on the five seed articles: the figures the project commits to."""
    from claims.settings import Settings
    from claims.text.nlp import get_nlp

    gold, texts, manifest = load_inputs(GOLD, SEEDS)
    report = evaluate(gold, texts, manifest, nlp=get_nlp(Settings().spacy_model))
    summary = format_report(report, verbose=True)
    assert report.unlocated == 0, summary
    assert report.negatives == 0, summary
    assert report.recall >= RECALL_FLOOR, summary
    assert report.precision >= PRECISION_FLOOR, summary
    assert report.strict_f1 >= STRICT_F1_TARGET, summary
