"""Entity names as matching keys: one spelling for the ways a story names one thing."""

from __future__ import annotations

import functools
import re
import unicodedata

# Words that say what kind of thing a name is, not which one: "Hurricane Katrina" and "Katrina",
# "Derna District" and "Derna", "the RMS Titanic" and "Titanic" are one thing.
_GENERIC = frozenset(
    """
    the of and a an de la le el al
    district county city town village province state region oblast prefecture governorate
    river lake sea ocean mount mountain mountains island islands isle archipelago peninsula valley
    republic kingdom federation emirate
    hurricane storm typhoon cyclone tropical fire fires wildfire wildfires flood floods flooding
    earthquake earthquakes quake dam dams disaster
    rms hms uss mv ss
    """.split()
)
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")


@functools.lru_cache(maxsize=65536)
def entity_key(name: str | None) -> str | None:
    """`Hurricane Katrina's` -> `katrina`; None for a name of generic words only ("the city")."""
    if not name:
        return None
    text = _folded(name)
    key = _key_of(text)
    if key is None:
        return None
    short = text.strip().removeprefix("the ")
    if len(short) <= 6:  # abbreviations only ("US", "U.K.", "EU"); capitals are places, not aliases
        from claims.text.synonyms import lexicon

        canonical = lexicon().canonical_subject(short)
        if canonical and canonical.casefold() != short:
            return entity_key_plain(canonical) or key
    return key


def entity_key_plain(name: str) -> str | None:
    """`entity_key` without alias resolution (for names already canonical)."""
    return _key_of(_folded(name))


def _folded(name: str) -> str:
    """Accents removed, case folded."""
    text = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _key_of(text: str) -> str | None:
    """The non-generic words of a folded name, possessives dropped."""
    kept = [w for w in (_POSSESSIVE.sub("", w) for w in _TOKEN.findall(text)) if w not in _GENERIC and len(w) > 1]
    return " ".join(kept) or None
