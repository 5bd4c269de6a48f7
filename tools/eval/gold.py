"""Score the extractor against hand-annotated gold and against outside test suites.

Two jobs, both pure (no database):

* `evaluate()` scores `claims.extract` on the seed articles against `gold/seeds.gold.json`
  (detection precision/recall/F1, normalisation accuracy, strict F1, hits on known negatives).
  Gold offsets are into the RAW files while predictions are into the CLEANED text, so every gold
  span is first located in the cleaned text by `locate()`.
* the Recognizers-Text peer suite lives in `tools.eval.peer`; `python -m tools.eval` prints both.

`python -m tools.eval tests/gold/seeds.gold.json` and `--peer [--write-docs]` print
the same reports outside pytest; `claims eval` (the CLI) wraps `tools.eval.run`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from claims.manifest import NAME as MANIFEST
from claims.manifest import has_manifest
from claims.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from spacy.language import Language

    from claims.models import Claim, Extraction

__all__ = [
    "ArticleScore",
    "EvalReport",
    "evaluate",
    "format_report",
    "load_inputs",
    "locate",
    "score_article",
]

TOLERANCE = 0.005
"""Relative tolerance for a normalised number to count as right (0.5 %, from the issue)."""

CONTEXT = 30
"""Characters of raw context either side of a gold span used to pick among occurrences."""

MIN_CONTEXT_SCORE = 0.35
"""Below this context similarity an occurrence is not trusted: the gold span counts as unlocated."""

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
    if gold.get("kind") == "quantity":
        # quantities are stored in their dimension's canonical unit (claims.text.units): so is the gold
        from claims.text.units import to_canonical

        keys = ("value", "low", "high")
        conv = to_canonical(tuple(_num(gold.get(k)) for k in keys), gold.get("unit"))
        if conv is not None:
            gold = {**gold, **{k: v for k, v in zip(keys, conv, strict=True) if gold.get(k) is not None}}
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


def ratio(a: int, b: int) -> float:
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
    precision = ratio(sum(a.predictions_on_gold for a in articles), preds)
    recall = ratio(sum(a.required_detected for a in articles), sum(a.required for a in articles))
    s_precision = ratio(sum(a.predictions_right for a in articles), preds)
    s_recall = ratio(sum(a.required_right for a in articles), sum(a.required for a in articles))
    return EvalReport(
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        normalised=ratio(sum(a.detected_right for a in articles), sum(a.detected for a in articles)),
        strict_precision=s_precision,
        strict_recall=s_recall,
        strict_f1=_f1(s_precision, s_recall),
        negatives=sum(a.negatives for a in articles),
        unlocated=sum(a.unlocated for a in articles),
        articles=articles,
    )


def _default_extractor(nlp: Language | None) -> Extractor:
    from claims.extraction import extract

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
    replaces `claims.extraction.extract` (tests use a fake one).
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
    if has_manifest(tdir):
        data = json.loads((tdir / MANIFEST).read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("articles"), list):
            manifest = {str(item["file"]): item.get("published") for item in data["articles"]}
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
            f"{ratio(a.predictions_on_gold, a.predictions):>5.2f} "
            f"{ratio(a.required_detected, a.required):>5.2f} "
            f"{ratio(a.detected_right, a.detected):>5.2f} {a.negatives:>3} {a.unlocated:>4}"
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


def write_block(doc: Path, name: str, body: str) -> None:
    """Replace the text between `<!-- name:start -->` and `<!-- name:end -->` in `doc`."""
    text = doc.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"{doc} lacks the {start} / {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{start}\n{body}\n{end}{tail}", encoding="utf-8")
