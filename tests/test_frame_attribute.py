"""What a bare sum measures when no verb or noun phrase says it: never a unit name."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from tests.nlp_fixtures import find

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("The package, worth $12 billion in total, includes $4 billion in road repairs.", "$4 billion"),
        ("The club's budget takes in $40 million pledged by sponsors.", "$40 million"),
        ("Of the new fund, $300 million is for vaccine research.", "$300 million"),
    ],
)
def test_a_sum_is_about_what_follows_it(model_nlp: Language, text: str, figure: str) -> None:
    about = find(extract(text, nlp=model_nlp).claims, figure).about
    assert about is not None and about.upper() not in ("USD", "DOLLARS", "$")
