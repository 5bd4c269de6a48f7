"""The frame of a claim: who it is about, what is measured, and of what story.

`topic` reads the article's topic entities once per document; `measure` reads, around one figure,
the class of what it measures and its content words; `frame_of` puts them together. Pure functions
of a parsed spaCy Doc: the extractor calls them, matching reads what they return.
"""

from __future__ import annotations

from claims.frame.measure import frame_of, measure_phrase
from claims.frame.names import entity_key
from claims.frame.topic import Topic, topic_of

__all__ = ["Topic", "entity_key", "frame_of", "measure_phrase", "topic_of"]
