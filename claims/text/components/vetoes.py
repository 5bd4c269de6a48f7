"""What the words around a number say: vetoes (names, times of day, ages, scores, ranks) and
what is counted.

Split from `quantities` so the finder keeps one job (reading the figure) and these rules, which
grow with every kind of news copy, sit together.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claims.text.components.common import NAME_LABELS, at_sentence_start
from claims.text.numbers import is_word_number, singular

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_NAME_NUMBER_BEFORE = re.compile(r"(?:\b(?:No|Nos|no|nos|Number|Art|Vol|Ch|Fig|p|pp)\.?\s?|#)$")
_NOT_A_COUNT_AFTER = re.compile(
    r"^(?:\s?(?:a\.m\.|p\.m\.|am|pm)(?![\w])|:\d|/\d|\s(?:plus|minus)\b|-(?:plus|minus)-"
    r"|\s?(?:GMT|UTC|BST|EST|EDT|PST|PDT|CET|CEST|IST|JST|o['’]clock|hours?\s(?:GMT|local))\b|\s?°"
    r"|\s(?:most|least)\b|\s?(?:yo|y/o|y\.o\.)(?![\w/])"
    r"|-(?!fold\b|(?:year|month|week|day|hour|decade|minute)s?\b)\w)",
    re.IGNORECASE,
)
#: After `one`: a duration (`jailed for one year`), unlike `one day` (an idiom) or `one of`.
_ONE_DURATION = re.compile(r"\s(?:hour|week|month|year|decade|century)\b")
#: Before a number: an age (`aged 34`, `younger than 5`, `under the age of 18`).
_AGE_BEFORE = re.compile(
    r"\b(?:aged?|ages|younger\sthan|older\sthan|under\sthe\sage\sof|over\sthe\sage\sof|the\sage\sof)\s$",
    re.IGNORECASE,
)
#: A name, then the number between commas: `John Smith, 50, was arrested` (an age).
_APPOSED_AGE = re.compile(r"[A-Z][\w'’.-]+,\s$")
#: A result: `won 3-1`, `a 2-0 defeat`, `drew 1-1 with`.
_SCORE_BEFORE = re.compile(
    r"\b(?:won|win|wins|winning|lost|lose|loses|losing|beat|beats|beating|drew|draw|draws|defeated|defeat|"
    r"trailed|trailing|led|leading|victory|score|scored|scoreline|an?|the)\s$",
    re.IGNORECASE,
)
_SCORE_AFTER = re.compile(
    r"^\s(?:win|victory|defeat|loss|draw|lead|home|away|scoreline|result|against|over|to|at|in\s(?:the|their|a))\b"
    r"|^[,.;)]|^$",
    re.IGNORECASE,
)
_PAIR_BEFORE = re.compile(r"\b(?:the|these|those|The|These|Those)\s$")
_PLUS_BEFORE = re.compile(r"\b(?:plus|minus)\s$", re.IGNORECASE)
#: After a number, words that tell us it is not a count of things.
_STOP_AFTER = frozenset("of to in on at for and or but with by from as than per".split())


def plausible_number(
    doc: Doc, text: str, start: int, n_start: int, end: int, g: dict[str, str | None], mag_text: str | None
) -> bool:
    """False for numbers that are part of names, formats, times of day or anaphora."""
    n_text = g["n1"] or ""
    if _NAME_NUMBER_BEFORE.search(text[max(0, n_start - 8) : n_start]):
        return False
    if _NOT_A_COUNT_AFTER.match(text[end : end + 12]):
        return False
    if _AGE_BEFORE.search(text[max(0, start - 24) : start]):
        return False  # an age, not a count
    if (
        not g["qual"]
        and _APPOSED_AGE.search(text[max(0, start - 30) : start])
        and re.match(r"^,", text[end : end + 1])
        and (g["n1"] or "").isdigit()
        and int(g["n1"] or 0) < 120
    ):
        return False
    if doc.has_annotation("TAG"):
        nxt = doc.char_span(end, min(len(text), end + 40), alignment_mode="expand")
        if nxt is not None and len(nxt) and (nxt[0].tag_ == "JJS" or nxt[0].lower_ in ("most", "least")):
            return False  # `the three deadliest hurricanes`: a rank, not a count
    if _PLUS_BEFORE.search(text[max(0, start - 8) : start]) and not re.search(
        r"[,;:]\s(?:plus|minus)\s$", text[max(0, start - 10) : start]
    ):
        return False  # `2 plus 3`: arithmetic; `..., plus 10 052 in Morocco`: one more of a list
    if is_word_number(n_text):
        if n_text[:1].isupper() and not at_sentence_start(text, n_start):
            return False  # `Group of Seven`
        if n_text.lower() == "one" and not (g["qual"] or mag_text) and not _ONE_DURATION.match(text[end : end + 12]):
            return False  # `one day`, `one of`: too often not a figure (`one week`, `one year`: durations)
        if (
            not g["qual"]
            and re.search(r"\b(?:in|into)\s$", text[max(0, start - 6) : start])
            and not re.match(r"\s[a-z]+s\b", text[end : end + 20])
        ):
            return False  # `split in two`, `cut into three`: a manner, not a count
        if n_text.lower() == "two" and not g["qual"] and _PAIR_BEFORE.search(text[max(0, start - 7) : start]):
            return False  # `the two countries`: the pair already named
    elif not g["qual"] and not mag_text:
        prev = re.search(r"([A-Za-z][\w'’.-]*)\s$", text[max(0, n_start - 25) : n_start])
        if prev and prev.group(1)[:1].isupper() and not prev.group(1).endswith(("'s", "’s")):
            word_start = n_start - len(prev.group(0))
            if not at_sentence_start(text, word_start) and prev.group(1).lower() not in _CUE_WORDS:
                return False  # `Article 5`, `Boeing 747`
    if doc.has_annotation("ENT_IOB"):
        span = doc.char_span(n_start, end, alignment_mode="expand")
        if span is not None and any(t.ent_type_ in NAME_LABELS for t in span) and not _bare_number_entity(span, g):
            return False
    return True


def _bare_number_entity(span: Span, g: dict[str, str | None]) -> bool:
    """A "name" that is only the qualified figure itself (`over 9000 people`, tagged PRODUCT by a
    small model): a name has words (`Boeing 747`, `Group of Seven`), so the tag is a model slip."""
    ents = {t.ent_iob_ + str(t.i) for t in span}
    if not g["qual"] or not ents:
        return False
    doc = span.doc
    for t in span:
        if t.ent_type_ in NAME_LABELS:
            ent = next(e for e in doc.ents if e.start <= t.i < e.end)
            if any(not (x.like_num or x.is_punct) for x in ent):
                return False
    return True


def counted(doc: Doc, text: str, end: int) -> str | None:
    """Singular lemma of what is counted: the parse's head noun, else the next plural noun."""
    if doc.has_annotation("DEP"):
        span = doc.char_span(max(0, end - 1), end, alignment_mode="expand")
        if span is not None:
            return counted_from_parse(span)
        return None
    words = re.findall(r"[A-Za-z][\w'-]*|[^\w\s]", text[end : end + 60])[:4]
    for w in words:
        if not w[0].isalpha() or w.lower() in _STOP_AFTER:
            break
        if w.islower() and w.endswith("s") and len(w) > 3:
            return singular(w)
    return None


_CUE_WORDS = frozenset("in on at by of to from since until than about around over under and or".split())


def is_score(text: str, start: int, end: int, g: dict[str, str | None]) -> bool:
    """`won 3-1`, `a 2-0 defeat`: a result, not a range (small whole numbers, a match word)."""
    a, b = g["n1"] or "", g["n2"] or ""
    if not (a.isdigit() and b.isdigit() and int(a) < 30 and int(b) < 30) or g["m1"] or g["m2"] or g["qual"]:
        return False
    return bool(_SCORE_BEFORE.search(text[max(0, start - 12) : start]) or _SCORE_AFTER.match(text[end : end + 16]))


def ungroup(n_text: str) -> str:
    """`347 815` (thousands grouped with spaces) -> `347,815`."""
    return re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3})", ",", n_text)


def looks_like_year(n_text: str) -> bool:
    """A bare four-digit number that may be a year (1500-2099): the date finder's, not a count."""
    return n_text.isdigit() and len(n_text) == 4 and 1500 <= int(n_text) <= 2099


_PARTITIVE_AMOUNTS = frozenset("dozens scores hundreds thousands millions billions".split())


def counted_from_parse(span: Span) -> str | None:
    """What a number counts: the last noun of the noun run right after it, else its head noun.

    The run (`Hokkaido islands`, `southernmost Kuril Islands`, `Japanese private-sector
    projects`) is more robust than the parse's head, which small models often get wrong.
    """
    doc = span.doc
    last: Token | None = None
    first = span.end
    if first < len(doc) and doc[first].lower_ == "of" and span[-1].lower_ in _PARTITIVE_AMOUNTS:
        first += 1  # `tens of thousands of people`, `hundreds of refugees`: the noun follows `of`
    for t in doc[first : min(len(doc), first + 6)]:
        if t.pos_ in ("NOUN", "PROPN"):
            last = t
            continue
        if last is not None or t.pos_ not in ("ADJ", "NUM", "ADV", "PUNCT") or t.text in (",", ";", "(", ")"):
            break
        if t.pos_ == "PUNCT" and t.text != "-":
            break
    if last is None:
        tok = span[-1]
        if tok.dep_ in ("nummod", "quantmod") and tok.head.pos_ == "NOUN" and tok.head.i > tok.i:
            last = tok.head
    if last is None:
        return None
    if last.pos_ == "PROPN" or not last.lemma_:
        return singular(last.text)
    return last.lemma_.lower()


#: Before `N pounds`: it is a weight (`weighed 7 pounds`, `a baby of 9 pounds`, `lost 20 pounds`).
_WEIGHT_BEFORE = re.compile(
    r"\b(?:weigh(?:s|ed|ing)?|weight|heavy|heavier|lighter|scales\sat|tipped\sthe\sscales"
    r"|(?:lost|lose|loses|losing|gained|gain|gains|gaining|shed|sheds|shedding|put\son|puts\son|drop|dropped|drops"
    r"|dropping)(?:\s\w+){0,2})"
    r"(?:\s(?:in|at|by|out|only|just|about|around|roughly|almost|nearly|some|over|under|more\sthan|less\sthan"
    r"|at\sleast|up\sto|an\sestimated))*\s$",
    re.IGNORECASE,
)
#: After `N pounds`: `5 pounds of cocaine` is a weight, `5 million pounds of public money` is not.
_WEIGHT_AFTER = re.compile(
    r"^\s(?:of\s(?!(?:public|taxpayers|taxpayers['’]|funding|investment|money|cash|aid|spending|debt|savings|"
    r"revenue|profit|losses|damage|support|extra|new|additional|government|state)\b)|in\sweight\b)",
    re.IGNORECASE,
)


def pounds_are_weight(text: str, start: int, end: int, magnitude: float) -> bool:
    """`N pounds` written with the word (never `£N`, never `pounds sterling`): a weight when its
    context says so, else money.

    Weight: a weighing word before it (`weighed 7 1/2 pounds`, `heavier by 3 pounds`), a word of
    losing or gaining before an amount without a magnitude (`lost 20 pounds`; `lost 5 million
    pounds` is money), or `of` and a material after it (`5 pounds of cocaine`; `of public money`
    stays money). Money otherwise: news copy that names a currency word without a weight cue means
    the currency (`fined 5 pounds`, `a 5 pounds ticket`).
    """
    before = text[max(0, start - 40) : start]
    if _WEIGHT_AFTER.match(text[end : end + 40]):
        return True
    m = _WEIGHT_BEFORE.search(before)
    if m is None:
        return False
    losing = re.match(r"(?i:lost|lose|loses|losing|gain|gained|gains|gaining|shed|put|drop)", m.group(0).lstrip())
    return not losing or magnitude == 1.0


#: Before a duration: the window a figure is counted over (`over the past five years`, `in the
#: first two months`, `the next three years`), not a length anyone states.
_WINDOW_BEFORE = re.compile(
    r"\b(?:[Tt]he|[Ii]ts|[Tt]heir)\s(?:next|first|past|last|coming|previous|following|preceding|initial|final)\s$"
)
#: Before a duration: an anniversary (`Marking 20 years since`, `marks a decade of`).
_ANNIVERSARY_BEFORE = re.compile(r"\b(?:[Mm]ark(?:s|ed|ing)?|[Cc]elebrat(?:es|ed|ing)|[Cc]ommemorat(?:es|ed|ing))\s$")
#: After a duration: `in the three months to June`, `the 12 months ending in March`.
_WINDOW_AFTER = re.compile(r"^\s(?:to|ending|ended|through|until)\b")


def time_window(text: str, start: int, end: int) -> bool:
    """A duration that names the period a figure covers (`the past five years`, `the three months to
    June`) or an anniversary (`marking 20 years since the hurricane`), a time scope rather than a
    claim."""
    if _WINDOW_BEFORE.search(text[max(0, start - 16) : start]):
        return True
    if _ANNIVERSARY_BEFORE.search(text[max(0, start - 12) : start]) and re.match(
        r"\s(?:since|after|of)\b", text[end : end + 7]
    ):
        return True
    return bool(
        re.search(r"\b[Tt]he\s$", text[max(0, start - 4) : start]) and _WINDOW_AFTER.match(text[end : end + 10])
    )
