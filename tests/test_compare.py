"""compare(): interval overlap, time scope, partial dates and currencies decide the label.

Each case is a hand-built pair of claims from two articles (or one). Precision first: every
case that must NOT be a conflict asserts so explicitly, because a false conflict costs an
editor's trust more than a missed one.
"""

from __future__ import annotations

from typing import Any

import pytest

from claims.compare import compare, interval, same_scope
from claims.models import Claim, ClaimRef, Period
from claims.rates import conversion, describe


def ref(id: int, published: str | None = "2022-11-27", article: int | None = None, **kw: Any) -> ClaimRef:
    """A stored claim; defaults keep each case down to what it is about."""
    kw.setdefault("text", str(kw.get("value", kw.get("date", ""))))
    kw.setdefault("sentence", kw["text"])
    kw.setdefault("start", 0)
    kw.setdefault("end", len(kw["text"]))
    return ClaimRef(id=id, article_id=article or id, source=f"source {id}", published=published, claim=Claim(**kw))


def count(
    id: int,
    text: str,
    low: float | None,
    high: float | None,
    *,
    q: str = "exact",
    as_of: str = "2022-11-27",
    value: float | None = None,
    unit: str = "refugee",
    **kw: Any,
) -> ClaimRef:
    return ref(
        id,
        kind="count",
        text=text,
        value=value if value is not None else (low if low is not None else high),
        low=low,
        high=high,
        qualifier=q,
        unit=unit,
        subject="Japan",
        as_of=as_of,
        about=kw.pop("about", "Ukrainian refugees admitted"),
        **kw,
    )


def money(
    id: int,
    text: str,
    ccy: str,
    low: float,
    high: float,
    *,
    as_of: str = "2024-12",
    period: Period | None = None,
    about: str = "aid to Ukraine",
    sentence: str | None = None,
) -> ClaimRef:
    return ref(
        id,
        kind="money",
        text=text,
        value=(low + high) / 2,
        low=low,
        high=high,
        unit=ccy,
        subject="Japan",
        as_of=as_of,
        period=period,
        about=about,
        sentence=sentence or f"Japan gave {text} in aid.",
    )


def day(id: int, iso: str, about: str = "start of full-scale invasion of Ukraine") -> ClaimRef:
    return ref(id, kind="date", text=iso, date=iso, subject="Russia", about=about, as_of="2022-03")


def pct(
    id: int, text: str, low: float | None, high: float | None, q: str = "exact", as_of: str = "2025-03"
) -> ClaimRef:
    return ref(
        id,
        kind="percent",
        text=text,
        value=low if low is not None else high,
        low=low,
        high=high,
        qualifier=q,
        unit="percent",
        subject="Japan",
        about="defense spending share of GDP",
        as_of=as_of,
    )


WAR = Period(start="2022-02", end="2024-12")

CASES = [
    # --- approximate figures ----------------------------------------------------------------
    pytest.param(
        count(1, "around 2,000", 1800, 2200, q="approx", value=2000),
        count(2, "2,100", 2100, 2100),
        "agree",
        "compatible",
        id="approx-holds-exact",
    ),
    pytest.param(
        count(1, "around 2,000", 1800, 2200, q="approx", value=2000),
        count(2, "2,700", 2700, 2700),
        "conflict",
        "2,700",
        id="approx-excludes-exact-same-day",
    ),
    pytest.param(
        ref(
            1,
            kind="count",
            text="about 100",
            value=100,
            qualifier="approx",
            unit="refugee",
            subject="Japan",
            as_of="2022-05",
        ),
        ref(2, kind="count", text="108", value=108, unit="refugee", subject="Japan", as_of="2022-05"),
        "agree",
        "90",
        id="approx-value-only-gets-ten-percent",
    ),
    pytest.param(
        ref(
            1,
            kind="count",
            text="about 100",
            value=100,
            qualifier="approx",
            unit="refugee",
            subject="Japan",
            as_of="2022-05",
        ),
        ref(2, kind="count", text="120", value=120, unit="refugee", subject="Japan", as_of="2022-05"),
        "conflict",
        "as of 2022-05",
        id="approx-value-only-excludes-120",
    ),
    # --- rounded figures ---------------------------------------------------------------------
    pytest.param(
        money(1, "11 billion euros", "EUR", 10.5e9, 11.5e9, period=WAR),
        money(2, "€11.4bn", "EUR", 11.35e9, 11.45e9, period=WAR),
        "agree",
        "compatible",
        id="rounded-holds-precise",
    ),
    pytest.param(
        money(1, "11 billion euros", "EUR", 10.5e9, 11.5e9, period=WAR),
        money(2, "12.5 billion euros", "EUR", 12.45e9, 12.55e9, period=WAR),
        "conflict",
        "same period 2022-02..2024-12",
        id="rounded-disjoint-same-period",
    ),
    # --- currencies ----------------------------------------------------------------------------
    pytest.param(
        money(1, "11 billion euros", "EUR", 10.5e9, 11.5e9, period=WAR),
        money(2, "$12bn", "USD", 11.5e9, 12.5e9, period=WAR),
        "agree",
        "EUR 11bn ≈ USD 11.5bn at 1.0498 USD/EUR, ECB reference rate of 2024-12-16",
        id="eur-usd-agree-names-rate",
    ),
    pytest.param(
        money(1, "$5bn", "USD", 4.5e9, 5.5e9, period=WAR),
        money(2, "11 billion euros", "EUR", 10.5e9, 11.5e9, period=WAR),
        "conflict",
        "1.0498 USD/EUR, ECB reference rate of 2024-12-16",
        id="usd-eur-conflict-converts-non-usd-side",
    ),
    pytest.param(
        money(1, "¥1.8 trillion", "JPY", 1.75e12, 1.85e12, period=WAR),
        money(2, "11 billion euros", "EUR", 10.5e9, 11.5e9, period=WAR),
        "agree",
        "JPY/EUR, ECB reference rate of 2024-12-16",
        id="yen-euro-agree",
    ),
    pytest.param(
        money(1, "500 billion roubles", "RUB", 4.95e11, 5.05e11, period=WAR),
        money(2, "$5bn", "USD", 4.5e9, 5.5e9, period=WAR),
        "different_scope",
        "no ECB reference rate for RUB",
        id="no-rate-never-conflict",
    ),
    pytest.param(
        money(1, "11 billion euros", "EUR", 10.5e9, 11.5e9, period=WAR),
        money(
            2,
            "$100 million",
            "USD",
            1e8,
            1e8,
            as_of="2022-11-27",
            about="emergency humanitarian assistance to Ukraine",
            sentence="In addition to $100 million in emergency humanitarian assistance, Japan sent vests.",
        ),
        "different_scope",
        "a total over 2022-02..2024-12 vs a figure as of 2022-11-27",
        id="total-vs-tranche",
    ),
    pytest.param(
        money(1, "$300 million", "USD", 3e8, 3e8, as_of="2022-11"),
        money(
            2,
            "$100 million",
            "USD",
            1e8,
            1e8,
            as_of="2022-11",
            about="emergency humanitarian assistance",
            sentence="Japan gave $100 million in emergency humanitarian assistance.",
        ),
        "conflict",
        "both as of 2022-11",
        id="humanitarian-aid-is-aid-not-a-narrower-coverage",
    ),
    pytest.param(
        money(1, "$300 million", "USD", 3e8, 3e8, as_of="2022-11"),
        money(
            2,
            "$100 million",
            "USD",
            1e8,
            1e8,
            as_of="2022-11",
            about="military assistance",
            sentence="Japan gave $100 million in military assistance.",
        ),
        "different_scope",
        "different coverage (aid type: humanitarian vs military)",
        id="military-aid-narrows-coverage",
    ),
    # --- cumulative counts over time ---------------------------------------------------------------
    pytest.param(
        count(1, "188", 188, 188, as_of="2022-03-24"),
        count(2, "more than 2,700", 2700, None, q="more_than", as_of="2025-02"),
        "different_scope",
        "as of different dates (2022-03-24 vs 2025-02)",
        id="cumulative-count-grows",
    ),
    pytest.param(
        count(1, "188", 188, 188, as_of="2022-03-24"),
        count(2, "1,000", 1000, 1000, as_of="2022-03"),
        "conflict",
        "as of 2022-03-24 and 2022-03",
        id="as-of-month-holds-day",
    ),
    pytest.param(
        count(1, "188", 188, 188, as_of="2022-03-24"),
        count(2, "1,000", 1000, 1000, as_of="2022-03-24", published=None),
        "conflict",
        "both as of 2022-03-24",
        id="same-as-of-conflict",
    ),
    pytest.param(
        ref(1, published=None, kind="count", text="188", value=188, unit="refugee", subject="Japan"),
        ref(2, published=None, kind="count", text="400", value=400, unit="refugee", subject="Japan"),
        "conflict",
        "no time stated for either figure",
        id="unknown-time-is-not-another-time",  # what pairs them is the same measured thing
    ),
    # --- the same figure restated ----------------------------------------------------------------
    pytest.param(
        count(1, "four disputed Islands", 4, 4, unit="island", as_of="2022-02"),
        count(2, "four southernmost Kuril Islands", 4, 4, unit="island", as_of="2022-11-27"),
        "agree",
        "compatible",
        id="restated-count-other-time-agrees",
    ),
    pytest.param(
        money(1, "EUR 2bn", "EUR", 1.95e9, 2.05e9, period=Period(start="2022", end="2022")),
        money(2, "EUR 3bn", "EUR", 2.95e9, 3.05e9, period=Period(start="2023", end="2023")),
        "different_scope",
        "different periods (2022..2022 vs 2023..2023)",
        id="different-periods",
    ),
    # --- qualifiers --------------------------------------------------------------------------------
    pytest.param(
        pct(1, "at least 3 percent", 3, None, q="at_least"),
        pct(2, "3.5%", 3.5, 3.5),
        "agree",
        "≥3%",
        id="at-least-holds-higher",
    ),
    pytest.param(
        pct(1, "at least 3 percent", 3, None, q="at_least"),
        pct(2, "2%", 2, 2),
        "conflict",
        "at least 3 percent",
        id="at-least-excludes-lower",
    ),
    pytest.param(
        count(1, "more than 2,700", 2700, None, q="more_than", as_of="2025-02"),
        count(2, "2,750", 2750, 2750, as_of="2025-02"),
        "agree",
        "compatible",
        id="more-than-holds-higher",
    ),
    pytest.param(
        count(1, "more than 2,700", 2700, None, q="more_than", as_of="2025-02"),
        count(2, "2,000", 2000, 2000, as_of="2025-02"),
        "conflict",
        "≥2,700",
        id="more-than-excludes-lower",
    ),
    pytest.param(
        pct(1, "less than one per cent", 0, 1, q="less_than"),
        pct(2, "0.5%", 0.5, 0.5),
        "agree",
        "compatible",
        id="less-than-holds-lower",
    ),
    pytest.param(
        ref(
            1,
            kind="percent",
            text="less than one per cent",
            value=1,
            high=1,
            qualifier="less_than",
            unit="percent",
            subject="Japan",
            as_of="2022",
        ),
        ref(
            2,
            kind="percent",
            text="3%",
            value=3,
            low=3,
            high=3,
            unit="percent",
            subject="Japan",
            as_of="2022",
        ),
        "conflict",
        "≤1%",
        id="less-than-unbounded-below-excludes-higher",
    ),
    # --- ranges ------------------------------------------------------------------------------------------
    pytest.param(
        pct(1, "150 to 200 percent", 150, 200, q="range"),
        pct(2, "180%", 180, 180),
        "agree",
        "150%–200%",
        id="range-holds-point",
    ),
    pytest.param(
        pct(1, "150 to 200 percent", 150, 200, q="range"),
        pct(2, "250%", 250, 250),
        "conflict",
        "250%",
        id="range-excludes-point",
    ),
    pytest.param(
        pct(1, "150 to 200 percent", 150, 200, q="range"),
        pct(2, "190 to 250 percent", 190, 250, q="range"),
        "agree",
        "compatible",
        id="overlapping-ranges",
    ),
    # --- durations ---------------------------------------------------------------------------------
    pytest.param(
        ref(
            1,
            kind="duration",
            text="3 weeks",
            value=3,
            low=3,
            high=3,
            unit="week",
            subject="Japan",
            as_of="2022-03",
        ),
        ref(
            2,
            kind="duration",
            text="21 days",
            value=21,
            low=21,
            high=21,
            unit="day",
            subject="Japan",
            as_of="2022-03",
        ),
        "agree",
        "in days",
        id="weeks-vs-days",
    ),
    # --- dates at their precision ----------------------------------------------------------------------------
    pytest.param(day(1, "2022-02"), day(2, "2022-02-24"), "agree", "overlap at their precision", id="month-holds-day"),
    pytest.param(
        day(1, "2022-02-26"),
        day(2, "2022-02-24"),
        "conflict",
        "start of full-scale invasion of Ukraine: 2022-02-26 vs 2022-02-24 (2 days apart)",
        id="two-days-apart",
    ),
    pytest.param(day(1, "1950s"), day(2, "1955"), "agree", "overlap", id="decade-holds-year"),
    pytest.param(day(1, "1950s"), day(2, "1962-04"), "conflict", "1950s vs 1962-04", id="decade-excludes-later"),
    pytest.param(day(1, "2022"), day(2, "2022-02-24"), "agree", "overlap", id="year-holds-day"),
    pytest.param(day(1, "2022-02-24"), day(2, "2022-02-24"), "agree", "both 2022-02-24", id="same-day"),
    pytest.param(day(1, "2014"), day(2, "2022-02-24"), "conflict", "2014 vs 2022-02-24", id="years-apart"),
    pytest.param(
        day(1, "2022-02-30"),
        day(2, "2022-02-24"),
        "different_scope",
        "impossible date",
        id="impossible-date-not-compared",
    ),
    pytest.param(
        day(1, "2022-02-24"),
        count(2, "188", 188, 188),
        "different_scope",
        "not comparable",
        id="kind-mismatch",
    ),
]


@pytest.mark.parametrize(("a", "b", "label", "reason_part"), CASES)
def test_compare_cases(a: ClaimRef, b: ClaimRef, label: str, reason_part: str) -> None:
    """The label and the words an editor reads both come out right."""
    got_label, reason, severity = compare(a, b)
    assert got_label == label, reason
    assert reason_part in reason
    if label == "conflict":
        assert severity is not None and 0.0 < severity <= 1.0
    else:
        assert severity is None


@pytest.mark.parametrize(("a", "b", "label", "reason_part"), CASES)
def test_compare_is_symmetric_in_label(a: ClaimRef, b: ClaimRef, label: str, reason_part: str) -> None:
    """Which claim came first must not change the verdict or its severity."""
    la, _, sa = compare(a, b)
    lb, _, sb = compare(b, a)
    assert (la, sa) == (lb, sb)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            count(1, "188", 188, 188, as_of="2022-03-24"),
            count(2, "more than 2,700", 2700, None, q="more_than", as_of="2025-02"),
            0.788,  # relative gap 0.93 = 3.72 clear discrepancies (25 %)
        ),
        (day(1, "2022-02-26"), day(2, "2022-02-24"), 0.333),  # 2 days = 0.5 of 4 day-steps
        (day(1, "2022-03-03"), day(2, "2022-02-24"), 0.636),  # a week: 1.75 of 4 day-steps
        (pct(1, "150 to 200 percent", 150, 200, q="range"), pct(2, "250%", 250, 250), 0.444),  # 20 %
    ],
)
def test_severity_is_relative_gap(a: ClaimRef, b: ClaimRef, expected: float) -> None:
    """Severity is x / (1 + x), x the gap in clear discrepancies: 25 % between figures, 4 precision steps
    between dates (claims/tolerance.py)."""
    if a.claim.kind != "date":  # make the time scope the same so the pair is a conflict
        b = ref(b.id, **{**{f: getattr(b.claim, f) for f in b.claim.__struct_fields__}, "as_of": a.claim.as_of})
    label, _, severity = compare(a, b)
    assert label == "conflict"
    assert severity == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        (Claim(kind="count", text="188", start=0, end=3, sentence="", value=188), (188, 188)),
        (
            Claim(kind="count", text="about 200", start=0, end=9, sentence="", value=200, qualifier="approx"),
            (180, 220),
        ),
        (
            Claim(
                kind="count",
                text="more than 2,700",
                start=0,
                end=15,
                sentence="",
                value=2700,
                qualifier="more_than",
            ),
            (2700, None),
        ),
        (
            Claim(
                kind="percent",
                text="less than 1%",
                start=0,
                end=12,
                sentence="",
                value=1,
                high=1,
                qualifier="less_than",
            ),
            (None, 1),
        ),
        (
            Claim(kind="percent", text="up to 5%", start=0, end=8, sentence="", value=5, qualifier="at_most"),
            (None, 5),
        ),
        (
            Claim(
                kind="money",
                text="11 billion euros",
                start=0,
                end=16,
                sentence="",
                value=11e9,
                low=10.5e9,
                high=11.5e9,
            ),
            (10.5e9, 11.5e9),
        ),
        (Claim(kind="count", text="some", start=0, end=4, sentence=""), None),
    ],
)
def test_interval_uses_bounds_then_qualifier(claim: Claim, expected: tuple[float | None, float | None] | None) -> None:
    """Bounds from the extractor win; a bare value gets its interval from the qualifier."""
    got = interval(claim)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def test_period_vs_as_of_is_different_scope() -> None:
    """A total over a period and a figure at a date are different scopes, in either order."""
    total = money(1, "11 billion euros", "EUR", 10.5e9, 11.5e9, period=WAR)
    tranche = money(2, "$100 million", "USD", 1e8, 1e8, as_of="2022-11-27")
    assert same_scope(total, tranche)[0] is False
    assert same_scope(tranche, total)[0] is False
    assert same_scope(total, total)[0] is True


def test_rates_name_the_ecb_series_and_date() -> None:
    """Reasons quote the ECB reference rate of the day used (the last fixing on or before it)."""
    conv = conversion("EUR", "USD", "2022-06-18")  # a Saturday: Friday's fixing
    assert conv is not None and conv.rate == pytest.approx(1.0486, abs=1e-4)
    assert describe(conv) == "1.0486 USD/EUR, ECB reference rate of 2022-06-17"
    back = conversion("USD", "EUR", "2022-06-18")
    assert back is not None and describe(back) == "1.0486 USD/EUR, ECB reference rate of 2022-06-17"
    assert conversion("UAH", "USD", "2022-06-18") is None
