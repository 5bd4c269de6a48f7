"""Score the extractor against hand-annotated gold and against outside test suites.

Two jobs, both pure (no database):

* `evaluate()` scores `claims.extract` on the seed articles against `gold/seeds.gold.json`
  (detection precision/recall/F1, normalisation accuracy, strict F1, hits on known negatives).
  Gold offsets are into the RAW files while predictions are into the CLEANED text, so every gold
  span is first located in the cleaned text by `locate()`.
* `peer_report()` runs the selected Recognizers-Text English specs (tests/peer/recognizers-text)
  through `extract_many` and reports a pass rate per file, with every skipped case counted under
  a documented reason (`SKIP_REASONS`).

`python -m claims.evaluate --gold tests/gold/seeds.gold.json` and `--peer [--write-docs]` print
the same reports outside pytest; `claims eval` (the CLI) wraps `load_inputs` + `evaluate`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from claims.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from spacy.language import Language

    from claims.models import Claim, Extraction

__all__ = [
    "ArticleScore",
    "EvalReport",
    "PeerReport",
    "evaluate",
    "format_peer_report",
    "format_report",
    "load_inputs",
    "locate",
    "peer_report",
    "score_article",
]

TOLERANCE = 0.005
"""Relative tolerance for a normalised number to count as right (0.5 %, from the issue)."""

CONTEXT = 30
"""Characters of raw context either side of a gold span used to pick among occurrences."""

MIN_CONTEXT_SCORE = 0.35
"""Below this context similarity an occurrence is not trusted: the gold span counts as unlocated."""

DEFAULT_PEER_DIR = PROJECT_ROOT / "tests" / "peer" / "recognizers-text"
DEFAULT_GOLD = PROJECT_ROOT / "tests" / "gold" / "seeds.gold.json"
DEFAULT_TEXTS = PROJECT_ROOT / "seeds"

Extractor = Callable[[str, "str | None"], "Extraction"]
"""`(raw_text, published) -> Extraction`; injectable so the scorer is testable without a model."""


# --------------------------------------------------------------------------------------------
# Locating spans
# --------------------------------------------------------------------------------------------

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_QUOTES = "'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u2032\u2033`"


def _ws(s: str) -> str:
    return " ".join(s.split())


def span_pattern(span: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """A regex for `span` that survives cleaning: any whitespace run, dash or quote variant."""
    parts: list[str] = []
    in_space = False
    for ch in span:
        if ch.isspace():
            if not in_space:
                parts.append(r"\s+")
            in_space = True
            continue
        in_space = False
        if ch in _DASHES:
            parts.append("[" + re.escape(_DASHES) + "]")
        elif ch in _QUOTES:
            parts.append("[" + re.escape(_QUOTES) + "]")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.IGNORECASE if ignore_case else 0)


def _bounded(text: str, start: int, end: int, need_left: bool, need_right: bool) -> bool:
    """True when [start, end) does not cut a word where the raw span did not either."""
    if need_left and start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return False
    return not (need_right and end < len(text) and text[end].isalnum() and text[end - 1].isalnum())


def _candidates(span: str, cleaned: str) -> list[tuple[int, int]]:
    for ignore_case in (False, True):
        found = [(m.start(), m.end()) for m in span_pattern(span, ignore_case=ignore_case).finditer(cleaned)]
        if found:
            return found
    return []


def locate(raw: str, start: int, end: int, cleaned: str) -> tuple[int, int] | None:
    """Where raw[start:end] ended up in `cleaned`, or None when cleaning lost it.

    Every occurrence of the span text is scored by how well its cleaned context matches the raw
    context (whitespace-normalised, `CONTEXT` characters each side), with the relative position
    in the document as a tie-breaker; occurrences that cut a word are ignored.
    """
    span = raw[start:end]
    if not span.strip():
        return None
    need_left = start == 0 or not raw[start - 1].isalnum()
    need_right = end >= len(raw) or not raw[end].isalnum()
    found = [(s, e) for s, e in _candidates(span, cleaned) if _bounded(cleaned, s, e, need_left, need_right)]
    if not found:
        return None
    before = _ws(raw[max(0, start - 3 * CONTEXT) : start])[-CONTEXT:]
    after = _ws(raw[end : end + 3 * CONTEXT])[:CONTEXT]
    rel = start / max(len(raw), 1)
    best: tuple[float, tuple[int, int]] | None = None
    for s, e in found:
        cb = _ws(cleaned[max(0, s - 3 * CONTEXT) : s])[-CONTEXT:]
        ca = _ws(cleaned[e : e + 3 * CONTEXT])[:CONTEXT]
        ctx = (SequenceMatcher(None, before, cb).ratio() + SequenceMatcher(None, after, ca).ratio()) / 2
        score = ctx - 0.1 * abs(s / max(len(cleaned), 1) - rel)
        if best is None or score > best[0]:
            best = (score, (s, e))
    assert best is not None
    if best[0] < MIN_CONTEXT_SCORE and len(found) > 1:
        return None
    return best[1]


def occurrences(needle: str, cleaned: str) -> list[tuple[int, int]]:
    """Every occurrence of a negative string in the cleaned text (case-insensitive, flexible)."""
    return [(m.start(), m.end()) for m in span_pattern(needle, ignore_case=True).finditer(cleaned)]


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


# --------------------------------------------------------------------------------------------
# Normalisation check
# --------------------------------------------------------------------------------------------


def close(got: float | None, want: float | None, tol: float = TOLERANCE) -> bool:
    """`got` within `tol` (relative) of `want`; both None also counts as equal."""
    if want is None or got is None:
        return want is None and got is None
    return abs(got - want) <= tol * max(abs(want), 1e-12)


def _num(x: Any) -> float | None:
    return None if x is None else float(x)


def check_normalisation(gold: Mapping[str, Any], pred: Claim) -> str | None:
    """None when `pred` carries the gold's normalised value, else a short reason.

    Dates compare the ISO string at its precision; ranges compare low and high; `less_than` /
    `at_most` gold compares the upper bound; other numbers compare the value (0.5 %); money also
    compares the ISO 4217 currency.
    """
    if gold.get("date") is not None:
        want = str(gold["date"])
        got_date = pred.date
        if got_date == want:
            return None
        # gold notes like "month precision accepted": a finer date inside the gold one is fine
        note = str(gold.get("note", ""))
        if got_date and "precision accepted" in note and got_date.startswith(want + "-"):
            return None
        return f"date {got_date!r} != {want!r}"
    qual = gold.get("qualifier", "exact")
    if qual == "range":
        lo, hi = _num(gold.get("low")), _num(gold.get("high"))
        if not (close(pred.low, lo) and close(pred.high, hi)):
            return f"range [{pred.low}, {pred.high}] != [{lo}, {hi}]"
    elif qual in ("less_than", "at_most"):
        hi = _num(gold.get("high", gold.get("value")))
        got = pred.high if pred.high is not None else pred.value
        if not close(got, hi):
            return f"upper bound {got} != {hi}"
    elif gold.get("value") is not None:
        want_v = _num(gold["value"])
        got = pred.value
        if got is None and qual in ("more_than", "at_least"):
            got = pred.low
        if not close(got, want_v):
            return f"value {got} != {want_v}"
    if gold.get("kind") == "money":
        want_u = str(gold.get("unit") or "").upper()
        if (pred.unit or "").upper() != want_u:
            return f"currency {pred.unit!r} != {want_u!r}"
    return None


# --------------------------------------------------------------------------------------------
# Gold scoring
# --------------------------------------------------------------------------------------------


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the developer report: a miss, a false positive or a wrong normalisation."""

    file: str
    text: str
    start: int | None
    kind: str
    detail: str = ""
    sentence: str = ""


class ArticleScore(msgspec.Struct, frozen=True, kw_only=True):
    """Counts for one article; the report sums them (micro-averaging)."""

    file: str
    predictions: int
    predictions_on_gold: int
    predictions_right: int
    required: int
    required_detected: int
    required_right: int
    detected: int
    detected_right: int
    negatives: int
    unlocated: int
    misses: list[Finding] = msgspec.field(default_factory=list)
    false_positives: list[Finding] = msgspec.field(default_factory=list)
    wrong: list[Finding] = msgspec.field(default_factory=list)
    lost: list[Finding] = msgspec.field(default_factory=list)


class EvalReport(msgspec.Struct, frozen=True, kw_only=True):
    """Headline figures plus the per-article breakdown they are summed from."""

    precision: float
    recall: float
    f1: float
    normalised: float
    strict_precision: float
    strict_recall: float
    strict_f1: float
    negatives: int
    unlocated: int
    articles: list[ArticleScore]


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _sentence_of(text: str, start: int, end: int) -> str:
    s = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    e_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    e = min(e_candidates) if e_candidates else len(text)
    return _ws(text[s + 1 : e + 1])[:200]


def score_article(
    file: str,
    raw: str,
    gold_claims: Sequence[Mapping[str, Any]],
    extraction: Extraction,
    negatives: Sequence[str] = (),
) -> ArticleScore:
    """Score one article's extraction against its gold claims (offsets into `raw`)."""
    cleaned = extraction.text
    preds = list(extraction.claims)
    located: list[tuple[Mapping[str, Any], int, int]] = []
    lost: list[Finding] = []
    misses: list[Finding] = []
    for g in gold_claims:
        pos = locate(raw, int(g["start"]), int(g["end"]), cleaned)
        if pos is None:
            finding = Finding(
                file=file,
                text=str(g["span"]),
                start=int(g["start"]),
                kind=str(g["kind"]),
                detail="not found in cleaned text" + (" (required)" if g.get("required") else ""),
            )
            lost.append(finding)
            if g.get("required"):
                misses.append(finding)
            continue
        located.append((g, pos[0], pos[1]))

    pred_on_gold = [False] * len(preds)
    pred_right = [False] * len(preds)
    required = sum(1 for g in gold_claims if g.get("required"))
    req_detected = req_right = detected = detected_right = 0
    wrong: list[Finding] = []
    for g, gs, ge in located:
        hits = [i for i, p in enumerate(preds) if overlaps(p.start, p.end, gs, ge)]
        reasons: list[str] = []
        right = False
        for i in hits:
            pred_on_gold[i] = True
            reason = check_normalisation(g, preds[i])
            if reason is None:
                pred_right[i] = True
                right = True
            else:
                reasons.append(f"{preds[i].kind} {preds[i].text!r}: {reason}")
        if hits:
            detected += 1
            detected_right += right
            if g.get("required"):
                req_detected += 1
                req_right += right
            if not right:
                wrong.append(
                    Finding(
                        file=file,
                        text=str(g["span"]),
                        start=gs,
                        kind=str(g["kind"]),
                        detail="; ".join(reasons),
                        sentence=_sentence_of(cleaned, gs, ge),
                    )
                )
        elif g.get("required"):
            misses.append(
                Finding(
                    file=file,
                    text=str(g["span"]),
                    start=gs,
                    kind=str(g["kind"]),
                    detail="no overlapping prediction",
                    sentence=_sentence_of(cleaned, gs, ge),
                )
            )

    negative_spans = [occ for needle in negatives for occ in occurrences(needle, cleaned)]
    neg_hits = sum(1 for p in preds if any(overlaps(p.start, p.end, s, e) for s, e in negative_spans))
    false_positives = [
        Finding(
            file=file,
            text=p.text,
            start=p.start,
            kind=p.kind,
            detail=_describe(p),
            sentence=_sentence_of(cleaned, p.start, p.end),
        )
        for i, p in enumerate(preds)
        if not pred_on_gold[i]
    ]
    return ArticleScore(
        file=file,
        predictions=len(preds),
        predictions_on_gold=sum(pred_on_gold),
        predictions_right=sum(pred_right),
        required=required,
        required_detected=req_detected,
        required_right=req_right,
        detected=detected,
        detected_right=detected_right,
        negatives=neg_hits,
        unlocated=len(lost),
        misses=misses,
        false_positives=false_positives,
        wrong=wrong,
        lost=lost,
    )


def _describe(p: Claim) -> str:
    bits = [f"{p.qualifier}"]
    if p.value is not None:
        bits.append(f"value={p.value:g}")
    if p.low is not None or p.high is not None:
        bits.append(f"[{p.low}, {p.high}]")
    if p.unit:
        bits.append(f"unit={p.unit}")
    if p.date:
        bits.append(f"date={p.date}")
    return " ".join(bits)


def summarise(articles: list[ArticleScore]) -> EvalReport:
    """Micro-averaged headline figures over all articles."""
    preds = sum(a.predictions for a in articles)
    precision = _ratio(sum(a.predictions_on_gold for a in articles), preds)
    recall = _ratio(sum(a.required_detected for a in articles), sum(a.required for a in articles))
    s_precision = _ratio(sum(a.predictions_right for a in articles), preds)
    s_recall = _ratio(sum(a.required_right for a in articles), sum(a.required for a in articles))
    return EvalReport(
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        normalised=_ratio(sum(a.detected_right for a in articles), sum(a.detected for a in articles)),
        strict_precision=s_precision,
        strict_recall=s_recall,
        strict_f1=_f1(s_precision, s_recall),
        negatives=sum(a.negatives for a in articles),
        unlocated=sum(a.unlocated for a in articles),
        articles=articles,
    )


def _default_extractor(nlp: Language | None) -> Extractor:
    from claims.extract import extract

    def run(raw: str, published: str | None) -> Extraction:
        return extract(raw, published=published, nlp=nlp)

    return run


def evaluate(
    gold: Mapping[str, Any],
    texts: Mapping[str, str],
    manifest: Mapping[str, str | None],
    *,
    nlp: Language | None,
    extractor: Extractor | None = None,
) -> EvalReport:
    """Extract every gold article from its RAW text and score it (see docs/EVAL.md).

    `texts` maps file name to raw text, `manifest` file name to publication date. `extractor`
    replaces `claims.extract.extract` (tests use a fake one).
    """
    run = extractor or _default_extractor(nlp)
    negatives: Mapping[str, Sequence[str]] = gold.get("negatives", {})
    articles: list[ArticleScore] = []
    for file, gold_claims in gold["articles"].items():
        if file not in texts:
            raise FileNotFoundError(f"gold names {file!r} but no text was given for it")
        raw = texts[file]
        extraction = run(raw, manifest.get(file))
        articles.append(score_article(file, raw, gold_claims, extraction, negatives.get(file, ())))
    return summarise(articles)


def load_inputs(
    gold_path: str | Path, texts_dir: str | Path | None = None
) -> tuple[dict[str, Any], dict[str, str], dict[str, str | None]]:
    """Read a gold file, the raw texts it names and their publication dates from DIR/manifest.json.

    The manifest may be the seeds' `{"articles": [{"file", "published"}, ...]}` or a plain
    `{file: published}` mapping; a missing manifest means no publication dates.
    """
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    tdir = Path(texts_dir) if texts_dir is not None else DEFAULT_TEXTS
    texts: dict[str, str] = {}
    for file in gold["articles"]:
        path = tdir / file
        if not path.is_file():
            raise FileNotFoundError(f"{path}: named in {gold_path} but missing")
        with path.open(encoding="utf-8", newline="") as fh:  # offsets count characters as stored
            texts[file] = fh.read()
    manifest: dict[str, str | None] = {}
    mpath = tdir / "manifest.json"
    if mpath.is_file():
        data = json.loads(mpath.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("articles"), list):
            for item in data["articles"]:
                manifest[str(item["file"])] = item.get("published")
        elif isinstance(data, dict):
            manifest = {str(k): (None if v is None else str(v)) for k, v in data.items() if k != "about"}
    return gold, texts, manifest


def headline(report: EvalReport) -> str:
    return (
        f"precision={report.precision:.2f} recall={report.recall:.2f} f1={report.f1:.2f} "
        f"normalised={report.normalised:.2f} strict_f1={report.strict_f1:.2f} "
        f"negatives={report.negatives}"
    )


def format_report(report: EvalReport, verbose: bool = False) -> str:
    """Per-article table, optional finding lists, and the headline figures as the last line."""
    lines = [
        f"{'article':<28} {'pred':>4} {'onGold':>6} {'req':>4} {'det':>4} {'right':>5} "
        f"{'P':>5} {'R':>5} {'norm':>5} {'neg':>3} {'lost':>4}"
    ]
    for a in report.articles:
        lines.append(
            f"{a.file:<28} {a.predictions:>4} {a.predictions_on_gold:>6} {a.required:>4} "
            f"{a.required_detected:>4} {a.required_right:>5} "
            f"{_ratio(a.predictions_on_gold, a.predictions):>5.2f} "
            f"{_ratio(a.required_detected, a.required):>5.2f} "
            f"{_ratio(a.detected_right, a.detected):>5.2f} {a.negatives:>3} {a.unlocated:>4}"
        )
    if verbose:
        sections: list[tuple[str, Iterable[Finding]]] = [
            ("Gold spans not found in the cleaned text", (f for a in report.articles for f in a.lost)),
            ("Missed required claims", (f for a in report.articles for f in a.misses)),
            ("Wrong normalisations", (f for a in report.articles for f in a.wrong)),
            ("False positives", (f for a in report.articles for f in a.false_positives)),
        ]
        for title, items in sections:
            found = list(items)
            lines.append("")
            lines.append(f"{title} ({len(found)}):")
            for f in found:
                where = f"@{f.start}" if f.start is not None else ""
                lines.append(f"  {f.file[:3]}{where} [{f.kind}] {f.text!r}: {f.detail}")
                if f.sentence:
                    lines.append(f"      | {f.sentence}")
    lines.append("")
    lines.append(
        f"strict_precision={report.strict_precision:.2f} strict_recall={report.strict_recall:.2f} "
        f"unlocated={report.unlocated}"
    )
    lines.append(headline(report))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Recognizers-Text peer tests
# --------------------------------------------------------------------------------------------

PEER_FILES: tuple[str, ...] = (
    "CurrencyModel.json",
    "NumberRangeModel.json",
    "PercentModel.json",
    "DateParser.json",
    "DatePeriodParser.json",
    "NumberModel.json",
)

SKIP_REASONS: dict[str, str] = {
    "not-supported": "marked NotSupportedByDesign, or NotSupported by the reference .NET "
    "implementation itself (markers naming only the javascript/python/java ports are ignored: "
    "they say which port fails, not that the expectation is wrong)",
    "no-amount": "a currency or percent word without an amount (`dollar`, `a small percent`): "
    "nothing to normalise",
    "non-iso-currency": "no ISO 4217 code (Bitcoin, Satoshi, Sen), so no `unit` to compare",
    "spoken-amount": "spoken compound amounts (`3 dollars 50 cents`, `one dollar and one`, "
    "`15 dollars 50`): news prose writes $3.50",
    "math-notation": "comparison symbols and math notation (`x>10`, `< = 100`, `20~100`): not prose",
    "ordinal": "ranges of ordinal ranks (`between the tenth and the fifteenth`): positions, not quantities",
    "percent-of": "inverted forms (`percent of 10`, `per cent of twenty-two`): not English news usage",
    "bare-number": "a number with no unit, currency, percent or bound is not a claim (NumberModel: "
    "the extractor's counts need a counted noun; bounds and ranges are covered by NumberRangeModel)",
    "day-only": "a day of the month with no month (`on 15`, `the 27th`): ambiguous in news text",
    "relative": "deictic or weekday expressions (`today`, `on Friday`, `two days ago`, `next "
    "year`, `rest of the week`): relative to the speaker's now; out of scope for claim dates",
    "numeric-date": "numeric-only dates (`02/22/2016`, `2015.3`, `11/2016`): day/month order is "
    "ambiguous and news prose spells the month",
    "spelled-number": "dates with numbers spelled out (`May twenty-first`, `nineteen seventy "
    "eight`): speech, not news writing",
    "no-iso-precision": "weeks, weekends, quarters, halves, seasons, centuries: no partial ISO "
    "date at that precision in the project's format (YYYY, YYYY-MM, YYYY-MM-DD, 1950s)",
    "date-range": "periods between two dates (`from 4 to 22 January, 1995`): reported as a "
    "figure's time scope (`period`), not as a claim of their own",
    "design-differs": "the spec expects nothing where the project's design requires a claim "
    "(`The number is from 200 to 300 in 2008` is a range)",
    "invalid-date": "the expected resolution is an impossible date (`Feb 30`, `fifth Sunday`)",
}

_UNIT_ISO: dict[str, tuple[str, ...]] = {
    "Dollar": ("USD",),
    "United States dollar": ("USD",),
    "Canadian dollar": ("CAD",),
    "Hong Kong dollar": ("HKD",),
    "Australian dollar": ("AUD",),
    "New Zealand dollar": ("NZD",),
    "Mexican peso": ("MXN",),
    "Euro": ("EUR",),
    "Pound": ("GBP",),
    "British pound": ("GBP",),
    "Japanese yen": ("JPY",),
    "Chinese yuan": ("CNY",),
    "Swiss franc": ("CHF",),
    "Franc": ("FRF", "CHF", "BEF", "LUF", "XOF", "XAF"),
    "Finnish markka": ("FIM",),
    "Peseta": ("ESP",),
    "Netherlands guilder": ("NLG",),
    "Rupee": ("INR", "PKR", "LKR", "NPR"),
    "Sri Lankan rupee": ("LKR",),
    "Turkish lira": ("TRY",),
    "Costa Rican colón": ("CRC",),
    "Georgian lari": ("GEL",),
    "Lao kip": ("LAK",),
}
"""Recognizers unit name -> acceptable ISO 4217 codes (withdrawn codes for pre-euro currencies)."""

_SUBUNITS: dict[str, tuple[tuple[str, ...], float]] = {
    "Cent": (("USD",), 0.01),
    "Pence": (("GBP",), 0.01),
    "Penny": (("GBP",), 0.01),
}
"""Sub-units: `50 cents` is USD 0.50 in the project's normalisation."""

_NON_ISO = {"Bitcoin", "Satoshi", "Sen"}

_MONTH = (
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    r"july|august|september|october|november|december)\b"
)
_WEEKDAY = r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|nesday|sday|rsday|urday)?\b"
_NUMWORD = (
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|hundred|thousand|first|second|third|"
    r"fourth|fifth|sixth|seventh|eighth|ninth|tenth|twelfth|twentieth|thirtieth)\b"
)
_RELATIVE = (
    r"\b(today|tomorrow|tmrw|yesterday|now|ago|later|hence|next|last|this|coming|current|past|"
    r"previous|rest|upcoming|within|day|days|my)\b"
)


class PeerExpect(msgspec.Struct, frozen=True, kw_only=True):
    """One expected result of a peer case, reduced to what a claim carries."""

    text: str
    start: int
    end: int
    value: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None
    units: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()


class PeerCase(msgspec.Struct, frozen=True, kw_only=True):
    """A selected case: run it. `expects == []` means: no claim of `kind` may appear."""

    file: str
    index: int
    input: str
    published: str | None
    kind: str
    expects: list[PeerExpect]


class PeerOutcome(msgspec.Struct, frozen=True, kw_only=True):
    file: str
    index: int
    input: str
    passed: bool
    detail: str = ""


class PeerFileResult(msgspec.Struct, frozen=True, kw_only=True):
    file: str
    total: int
    run: int
    passed: int
    rate: float
    skipped: dict[str, int]
    failures: list[PeerOutcome]


class PeerReport(msgspec.Struct, frozen=True, kw_only=True):
    files: list[PeerFileResult]

    def rate(self, file: str) -> float:
        return next(f.rate for f in self.files if f.file == file)


def _span(case_input: str, res: Mapping[str, Any], *, end_inclusive: bool) -> tuple[int, int]:
    """Start/end of a result in the input; falls back to searching when the offsets disagree."""
    text = str(res["Text"])
    start = int(res["Start"])
    if "Length" in res:
        end = start + int(res["Length"])
    else:
        end = int(res["End"]) + (1 if end_inclusive else 0)
    if case_input[start:end].lower() == text.lower():
        return start, end
    found = [m.start() for m in re.finditer(re.escape(text), case_input, re.IGNORECASE)]
    if found:
        s = min(found, key=lambda i: abs(i - start))
        return s, s + len(text)
    return start, min(end, len(case_input))


def _unsupported(case: Mapping[str, Any]) -> bool:
    if case.get("NotSupportedByDesign"):
        return True
    return "dotnet" in str(case.get("NotSupported") or "").lower()


def _published(case: Mapping[str, Any]) -> str | None:
    ref = (case.get("Context") or {}).get("ReferenceDateTime")
    return str(ref)[:10] if ref else None


_Selected = tuple[PeerCase | None, str | None]


def _spoken(text: str) -> bool:
    """`3 dollars 50 cents`, `one dollar and one`, `17 usd 25`, `c $ 100 and fifty`."""
    t = text.lower()
    return bool(
        re.search(r"(dollars?|\$|usd)\s.*\bcents?\b", t)
        or re.search(r"\S\s*\b(dollars?|usd|kuai)\s+(and\s+)?(?!million\b|billion\b|trillion\b)[\w-]+", t)
        or re.search(r"\$\s*[\d.,]+\s+and\b", t)
    )


def _select_currency(i: int, case: Mapping[str, Any]) -> _Selected:
    inp = str(case["Input"])
    results = list(case["Results"])
    if not results:
        return PeerCase(
            file="CurrencyModel.json", index=i, input=inp, published=None, kind="money", expects=[]
        ), None
    expects: list[PeerExpect] = []
    reasons: list[str] = []
    for r in results:
        res = r["Resolution"]
        unit = str(res.get("unit"))
        if res.get("value") in (None, "null"):
            continue  # `dollar` alone: not an amount, ignored within the case
        if unit in _NON_ISO:
            reasons.append("non-iso-currency")
            continue
        if _spoken(str(r["Text"])):
            reasons.append("spoken-amount")
            continue
        value = float(res["value"])
        if unit in _SUBUNITS:
            units, factor = _SUBUNITS[unit]
            value *= factor
        elif res.get("isoCurrency"):
            units = (str(res["isoCurrency"]),)
        elif unit in _UNIT_ISO:
            units = _UNIT_ISO[unit]
        else:
            reasons.append("non-iso-currency")
            continue
        s, e = _span(inp, r, end_inclusive=True)
        expects.append(PeerExpect(text=str(r["Text"]), start=s, end=e, value=value, units=units))
    if reasons:
        return None, reasons[0]
    if not expects:
        return None, "no-amount"
    return PeerCase(
        file="CurrencyModel.json", index=i, input=inp, published=None, kind="money", expects=expects
    ), None


_INTERVAL = re.compile(r"^([\[(])\s*([^,]*?)\s*,\s*([^\])]*?)\s*([\])])$")


def _select_range(i: int, case: Mapping[str, Any]) -> _Selected:
    inp = str(case["Input"])
    results = list(case["Results"])
    if not results:
        if re.search(r"\bfrom \d+ to \d+", inp):
            return None, "design-differs"
        return PeerCase(
            file="NumberRangeModel.json", index=i, input=inp, published=None, kind="range", expects=[]
        ), None
    expects: list[PeerExpect] = []
    for r in results:
        text = str(r["Text"])
        if re.search(r"[<>=~]", text):
            return None, "math-notation"
        if re.search(r"\b(tenth|fifteenth)\b", text):
            return None, "ordinal"
        m = _INTERVAL.match(str(r["Resolution"]["value"]))
        if not m:
            raise ValueError(f"NumberRangeModel case {i}: unreadable interval {r['Resolution']!r}")
        lb, lo_s, hi_s, rb = m.groups()
        lo = float(lo_s) if lo_s else None
        hi = float(hi_s) if hi_s else None
        if lo is not None and hi is not None:
            qual = "exact" if lo == hi else "range"
        elif lo is not None:
            qual = "at_least" if lb == "[" else "more_than"
        else:
            qual = "at_most" if rb == "]" else "less_than"
        s, e = _span(inp, r, end_inclusive=True)
        expects.append(
            PeerExpect(
                text=text,
                start=s,
                end=e,
                value=lo if qual == "exact" else None,
                low=lo,
                high=hi,
                qualifier=qual,
            )
        )
    return PeerCase(
        file="NumberRangeModel.json", index=i, input=inp, published=None, kind="range", expects=expects
    ), None


def _select_percent(i: int, case: Mapping[str, Any]) -> _Selected:
    inp = str(case["Input"])
    results = list(case["Results"])
    if not results:
        return PeerCase(
            file="PercentModel.json", index=i, input=inp, published=None, kind="percent", expects=[]
        ), None
    expects: list[PeerExpect] = []
    for r in results:
        value = str(r["Resolution"].get("value"))
        if value in ("None", "null"):
            return None, "no-amount"
        if re.match(r"^\s*(percents?|per cent)\s+of\b", str(r["Text"]), re.IGNORECASE):
            return None, "percent-of"
        s, e = _span(inp, r, end_inclusive=True)
        expects.append(PeerExpect(text=str(r["Text"]), start=s, end=e, value=float(value.rstrip("%"))))
    return PeerCase(
        file="PercentModel.json", index=i, input=inp, published=None, kind="percent", expects=expects
    ), None


def _date_expect(text: str, value: Mapping[str, Any]) -> tuple[tuple[str, ...] | None, str | None]:
    """The accepted ISO partial dates for one date result, or a skip category."""
    timex = str(value.get("Timex", ""))
    fut = value.get("FutureResolution") or {}
    past = value.get("PastResolution") or {}
    fut_d = str(fut.get("date") or fut.get("startDate") or "")
    past_d = str(past.get("date") or past.get("startDate") or "")
    low = text.lower()
    if "0001-01-01" in (fut_d, past_d):
        return None, "invalid-date"
    decade = re.match(r"^\((\d{3}|XX\d)0-01-01,(\d{3}|XX\d)0-01-01,P10Y\)$", timex)
    if decade:
        if re.search(r"\b(next|last|this|past|coming|current)\b", low):
            return None, "relative"
        if re.search(_NUMWORD, low):
            return None, "spelled-number"
        year = (past_d or fut_d)[:4]
        return ((year[:3] + "0s",) if year else None), (None if year else "no-iso-precision")
    if timex.startswith("("):
        if re.search(r"P\d+(M|Y)\)$", timex) and re.search(r"quarter|\bq\d|\bh\d|century|decade", low):
            return None, "no-iso-precision"
        if re.search(r"\d+\s*(day|week|month|year)s?|decade", low) or re.search(_RELATIVE, low):
            return None, "relative"
        return None, "date-range"
    if re.search(r"W|SU|SP|FA|WI", timex) or re.search(r"\bweek|weekend|w/c|month of\b", low):
        if re.search(_WEEKDAY, low) or re.search(_RELATIVE, low):
            return None, "relative"
        return None, "no-iso-precision"
    if re.search(_NUMWORD, low):
        return None, "spelled-number"
    has_month = re.search(_MONTH, low) is not None
    if timex.startswith("XXXX-XX-"):
        return None, "day-only"
    if not has_month:
        if re.fullmatch(r"\d{4}", timex) and re.search(r"\b\d{4}\b", low) and not re.search(_RELATIVE, low):
            return (timex,), None
        if re.search(r"\d", low) and not re.search(_RELATIVE, low):
            return None, "numeric-date"
        return None, "relative"
    if re.search(r"\b(today|tomorrow|yesterday|ago|later)\b", low):
        return None, "relative"
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", timex):
        return (timex,), None
    m = re.fullmatch(r"XXXX-(\d{2})(-\d{2})?", timex)
    if m:
        n = 10 if m.group(2) else 7
        return tuple(dict.fromkeys(d[:n] for d in (past_d, fut_d) if d)), None
    return None, "relative"


def _select_date(file: str) -> Callable[[int, Mapping[str, Any]], _Selected]:
    def select(i: int, case: Mapping[str, Any]) -> _Selected:
        inp = str(case["Input"])
        published = _published(case)
        results = list(case["Results"])
        if not results:
            return PeerCase(file=file, index=i, input=inp, published=published, kind="date", expects=[]), None
        expects: list[PeerExpect] = []
        for r in results:
            dates, skip = _date_expect(str(r["Text"]), r.get("Value") or {})
            if skip is not None or not dates:
                return None, skip or "relative"
            s, e = _span(inp, r, end_inclusive=False)
            expects.append(PeerExpect(text=str(r["Text"]), start=s, end=e, dates=dates))
        return PeerCase(
            file=file, index=i, input=inp, published=published, kind="date", expects=expects
        ), None

    return select


def _select_number(i: int, case: Mapping[str, Any]) -> _Selected:
    return None, "bare-number"


_SELECTORS: dict[str, Callable[[int, Mapping[str, Any]], _Selected]] = {
    "CurrencyModel.json": _select_currency,
    "NumberRangeModel.json": _select_range,
    "PercentModel.json": _select_percent,
    "DateParser.json": _select_date("DateParser.json"),
    "DatePeriodParser.json": _select_date("DatePeriodParser.json"),
    "NumberModel.json": _select_number,
}


def select_peer_cases(file: str, cases: Sequence[Mapping[str, Any]]) -> tuple[list[PeerCase], Counter[str]]:
    """Split one spec file into cases to run and a count of skipped cases per reason."""
    selector = _SELECTORS[file]
    selected: list[PeerCase] = []
    skipped: Counter[str] = Counter()
    for i, case in enumerate(cases):
        if _unsupported(case):
            skipped["not-supported"] += 1
            continue
        picked, reason = selector(i, case)
        if picked is None:
            skipped[reason or "unknown"] += 1
        else:
            selected.append(picked)
    return selected, skipped


def _claim_matches(case: PeerCase, exp: PeerExpect, c: Claim) -> str | None:
    """None when claim `c` satisfies `exp`, else why not."""
    if case.kind == "money":
        if (c.unit or "").upper() not in exp.units:
            return f"unit {c.unit!r} not in {exp.units}"
        if not close(c.value, exp.value):
            return f"value {c.value} != {exp.value}"
        return None
    if case.kind == "percent":
        if c.kind != "percent":
            return f"kind {c.kind}"
        return None if close(c.value, exp.value) else f"value {c.value} != {exp.value}"
    if case.kind == "date":
        return None if c.date in exp.dates else f"date {c.date!r} not in {exp.dates}"
    # ranges and bounds
    q = exp.qualifier
    if q == "exact":
        ok = close(c.value, exp.value) or (close(c.low, exp.low) and close(c.high, exp.high))
        return None if ok else f"value {c.value} != {exp.value}"
    if q == "range":
        ok = close(c.low, exp.low) and close(c.high, exp.high)
        return None if ok else f"[{c.low}, {c.high}] != [{exp.low}, {exp.high}]"
    if c.qualifier != q:
        return f"qualifier {c.qualifier} != {q}"
    if q in ("more_than", "at_least"):
        got = c.low if c.low is not None else c.value
        return None if close(got, exp.low) else f"low {got} != {exp.low}"
    got = c.high if c.high is not None else c.value
    return None if close(got, exp.high) else f"high {got} != {exp.high}"


_BOUND_QUALIFIERS = {"range", "more_than", "less_than", "at_least", "at_most"}


def judge_case(case: PeerCase, extraction: Extraction) -> PeerOutcome:
    """Pass when every expected result is matched by an overlapping claim with the right value."""
    claims = list(extraction.claims)
    if not case.expects:
        if case.kind == "range":
            bad = [c for c in claims if c.qualifier in _BOUND_QUALIFIERS]
        else:
            bad = [c for c in claims if c.kind == case.kind]
        detail = "; ".join(f"unexpected {c.kind} {c.text!r}" for c in bad)
        return PeerOutcome(file=case.file, index=case.index, input=case.input, passed=not bad, detail=detail)
    problems: list[str] = []
    for exp in case.expects:
        pos = locate(case.input, exp.start, exp.end, extraction.text)
        if pos is None:
            problems.append(f"{exp.text!r}: lost in cleaning")
            continue
        hits = [c for c in claims if overlaps(c.start, c.end, pos[0], pos[1])]
        if not hits:
            problems.append(f"{exp.text!r}: no claim")
            continue
        reasons = [_claim_matches(case, exp, c) for c in hits]
        if all(r is not None for r in reasons):
            got = ", ".join(f"{c.kind} {c.text!r}: {r}" for c, r in zip(hits, reasons, strict=True))
            problems.append(f"{exp.text!r}: {got}")
    return PeerOutcome(
        file=case.file, index=case.index, input=case.input, passed=not problems, detail="; ".join(problems)
    )


def _clean(text: str) -> str:
    from claims.clean import clean_text

    return clean_text(text)


def run_peer_cases(
    cases: Sequence[PeerCase], nlp: Language, *, batch_size: int = 64
) -> Iterator[PeerOutcome]:
    """Extract all cases in one `extract_many` pass and judge each."""
    from claims.extract import extract_many

    items = [(_clean(c.input), c.published) for c in cases]
    for case, extraction in zip(cases, extract_many(nlp, items, batch_size=batch_size), strict=True):
        yield judge_case(case, extraction)


def peer_report(
    nlp: Language | None = None,
    peer_dir: str | Path = DEFAULT_PEER_DIR,
    files: Sequence[str] = PEER_FILES,
) -> PeerReport:
    """Run the selected Recognizers-Text cases of `files` and collect pass rates per file."""
    if nlp is None:
        from claims.nlp import get_nlp
        from claims.settings import Settings

        nlp = get_nlp(Settings().spacy_model)
    selected: dict[str, tuple[list[PeerCase], Counter[str], int]] = {}
    everything: list[PeerCase] = []
    for file in files:
        cases = json.loads((Path(peer_dir) / file).read_text(encoding="utf-8"))
        run, skipped = select_peer_cases(file, cases)
        selected[file] = (run, skipped, len(cases))
        everything.extend(run)
    outcomes: dict[str, list[PeerOutcome]] = {f: [] for f in files}
    for outcome in run_peer_cases(everything, nlp):
        outcomes[outcome.file].append(outcome)
    results: list[PeerFileResult] = []
    for file in files:
        run, skipped, total = selected[file]
        done = outcomes[file]
        passed = sum(o.passed for o in done)
        results.append(
            PeerFileResult(
                file=file,
                total=total,
                run=len(run),
                passed=passed,
                rate=_ratio(passed, len(run)),
                skipped=dict(sorted(skipped.items())),
                failures=[o for o in done if not o.passed],
            )
        )
    return PeerReport(files=results)


def format_peer_report(report: PeerReport, verbose: bool = False) -> str:
    """A Markdown table (one row per spec file), then failures when `verbose`."""
    lines = [
        "| file | cases | run | passed | rate | skipped (reason: count) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for f in report.files:
        skipped = ", ".join(f"{k}: {v}" for k, v in f.skipped.items()) or "-"
        rate = f"{f.rate:.2f}" if f.run else "-"
        lines.append(f"| {f.file} | {f.total} | {f.run} | {f.passed} | {rate} | {skipped} |")
    if verbose:
        for f in report.files:
            if f.failures:
                lines.append("")
                lines.append(f"Failures in {f.file} ({len(f.failures)}):")
                for o in f.failures:
                    lines.append(f"  #{o.index} {o.input[:90]!r}: {o.detail}")
    return "\n".join(lines)


def _skip_reason_table() -> str:
    lines = ["| skip reason | why |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in SKIP_REASONS.items()]
    return "\n".join(lines)


def write_block(doc: Path, name: str, body: str) -> None:
    """Replace the text between `<!-- name:start -->` and `<!-- name:end -->` in `doc`."""
    text = doc.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"{doc} lacks the {start} / {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{start}\n{body}\n{end}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m claims.evaluate [--gold FILE] [--texts DIR] [--peer] [--verbose] [--write-docs]`."""
    ap = argparse.ArgumentParser(prog="python -m claims.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument(
        "--gold", nargs="?", const=str(DEFAULT_GOLD), default=None, help="score against a gold file"
    )
    ap.add_argument("--texts", default=None, help="folder of raw texts + manifest.json (default: seeds/)")
    ap.add_argument("--peer", action="store_true", help="run the Recognizers-Text peer cases")
    ap.add_argument("--verbose", "-v", action="store_true", help="list misses, false positives, failures")
    ap.add_argument(
        "--write-docs",
        nargs="?",
        const=str(PROJECT_ROOT / "docs" / "EVAL.md"),
        default=None,
        help="update the generated blocks of docs/EVAL.md",
    )
    args = ap.parse_args(argv)
    if not args.peer and args.gold is None:
        args.gold = str(DEFAULT_GOLD)
        args.peer = True
    from claims.nlp import get_nlp
    from claims.settings import Settings

    nlp = get_nlp(Settings().spacy_model)
    if args.gold is not None:
        gold, texts, manifest = load_inputs(args.gold, args.texts)
        report = evaluate(gold, texts, manifest, nlp=nlp)
        out = format_report(report, verbose=args.verbose)
        print(out)
        if args.write_docs:
            write_block(Path(args.write_docs), "gold", "```\n" + format_report(report) + "\n```")
    if args.peer:
        preport = peer_report(nlp)
        print(format_peer_report(preport, verbose=args.verbose))
        if args.write_docs:
            write_block(
                Path(args.write_docs), "peer", format_peer_report(preport) + "\n\n" + _skip_reason_table()
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
