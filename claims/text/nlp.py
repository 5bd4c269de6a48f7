"""Build and cache the spaCy pipeline: the configured model plus our rule components."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import spacy

import claims.text.components
import claims.text.components.paragraphs  # noqa: F401

if TYPE_CHECKING:
    from spacy.language import Language

#: Our components, in order: dates first so that `23 March 2022` never becomes a count of 23.
COMPONENTS: tuple[str, ...] = ("claims_dates", "claims_quantities")


def build_pipeline(model: str) -> Language:
    """Load `model` by name (`"blank"`: tokenizer + sentencizer only) and add the claims_ rules."""
    if model == "blank":
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    else:
        nlp = spacy.load(model)
        if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer")
    if "claims_paragraphs" not in nlp.pipe_names:
        # before whatever sets sentence boundaries, so paragraph breaks are kept
        first = next((n for n in ("parser", "senter", "sentencizer") if n in nlp.pipe_names), None)
        nlp.add_pipe("claims_paragraphs", before=first) if first else nlp.add_pipe("claims_paragraphs")
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


@functools.lru_cache(maxsize=4)
def get_nlp(model: str) -> Language:
    """The pipeline for `model`, built once per process and reused."""
    return build_pipeline(model)
