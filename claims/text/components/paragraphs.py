"""`claims_paragraphs`: a paragraph break always ends a sentence.

Runs before the parser (which respects preset boundaries), so bylines, headlines and captions
never fuse with the paragraph after them: a dateline date must not borrow the next sentence's
subject, and furniture detection works per line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language

if TYPE_CHECKING:
    from spacy.tokens import Doc


@Language.component("claims_paragraphs", assigns=["token.is_sent_start"])
def mark_paragraphs(doc: Doc) -> Doc:
    """A blank line ends a sentence: headlines and list items have no full stop."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
        elif "\n" in tok.whitespace_:
            doc[tok.i + 1].is_sent_start = True
    return doc
