"""What a figure in a labelled line measures: fact boxes and lists from several beats."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from tests.nlp_fixtures import find

if TYPE_CHECKING:
    from spacy.language import Language

ELECTION = """Results of the regional vote were published on Monday.

Turnout by district (provisional figures):
- Northern District: 61.4%
- Harbour Ward: 58.2%
- All districts: 60.1%
"""

BUDGET = """The city council adopted its budget for 2026.

Key figures:
• Total spending: $4.2 billion
• Police budget: $610 million
"""

SPORT = """The club closed the season with a home win.

Season record
Goals scored: 74
Points per game (league only): 2.1
"""


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "about"),
    [
        (ELECTION, "58.2%", "Turnout"),
        (ELECTION, "60.1%", "Turnout"),
        (BUDGET, "$4.2 billion", "Total spending"),
        (BUDGET, "$610 million", "Police budget"),
        (SPORT, "74", "Goals scored"),
    ],
)
def test_labelled_lines(model_nlp: Language, text: str, figure: str, about: str) -> None:
    """A row named after a place takes the list's heading; any other label says it itself."""
    assert find(extract(text, nlp=model_nlp).claims, figure).about == about


@pytest.mark.model
def test_prose_with_a_colon_is_not_a_label(model_nlp: Language) -> None:
    text = "The minister had one message: unemployment fell to 5.1% in March, the lowest since 2008."
    assert find(extract(text, nlp=model_nlp).claims, "5.1%").about != "The minister had one message"
