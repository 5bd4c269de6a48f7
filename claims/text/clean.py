"""Strip page furniture from scraped articles, conservatively: article sentences stay intact.

Line-based rules for plain text (srcset debris, cookie notices, share/comment boxes, related-post
blocks, navigation labels), and a real HTML parser (selectolax) for HTML, whose output then goes
through the same plain-text rules. Offsets of claims refer to the text returned here.
"""

from __future__ import annotations

import re
import unicodedata

from selectolax.lexbor import LexborHTMLParser

#: Lines that are markup debris: image `srcset`/`sizes` remains and stray attributes.
_MARKUP_DEBRIS = re.compile(
    r"(?:\b\d{2,4}w\b.*(?:srcset|sizes=|data-src|resize=|\.(?:jpe?g|png|webp|gif)\b))"
    r"|(?:\b(?:data-)?(?:srcset|sizes|src|class|style|href)=[\"'])"
    r"|(?:^\s*<[^>]{0,200}>?\s*$)",
    re.IGNORECASE,
)
#: Whole lines of page furniture (matched against the stripped line).
_FURNITURE_LINE = re.compile(
    r"^(?:"
    r"(?:related|recent|popular|trending|latest|more|top)\s(?:posts?|articles?|stories|features|news|reads?)"
    r"|features|dismiss|accept(?:\sall)?(?:\scookies)?|reject(?:\sall)?|comments?|share(?:\sthis)?(?:\s(?:article|story|post))?"
    r"|advertisement|sponsored(?:\scontent)?|read\smore|see\salso|subscribe(?:\snow)?|sign\sup"
    r"|(?:share|follow\sus)\son\s\w+(?:\s\w+)?|print|email|tweet|whatsapp|facebook|twitter|linkedin|reddit|telegram"
    r"|replying\sto\s.{1,40}|skip\sto\s(?:main\s)?content|back\sto\stop"
    r")[.:!]?$",
    re.IGNORECASE,
)
#: Sentences of furniture that can sit anywhere in a line of their own.
_FURNITURE_TEXT = re.compile(
    r"(?:\buses?\scookies\b|\bcookie\spolicy\b|\baccept\scookies\b|\bopt-out\sif\syou\swish\b"
    r"|^comments\sare\s(?:closed|moderated)\b|\bplease\ssee\sour\scomments\sfaq\b"
    r"|^(?:like|follow)\s.{0,60}\bon\s(?:facebook|twitter|x|instagram)\b"
    r"|^(?:related|read\smore|see\salso|also\sread|read\salso)\s?:"
    r"|^(?:photo\s)?credits?:\s"
    r"|^(?:click|tap)\sto\s(?:share|print|email)\b"
    r"|^sign\sup\sfor\sour\s(?:free\s)?newsletters?\b)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ENDS_SENTENCE = re.compile(r"[.!?:;\"”’)\]…]$")
#: A run of symbols longer than any separator line (`<<<<...`, `$$$$...`): spaCy's tokenizer
#: splits such a run one character at a time, searching the rest of it again each time, so a
#: run of n cost n² (4 KB of `<` took 3 s). Cut into pieces of _SYMBOL_PIECE, it costs n.
_SYMBOL_RUN = re.compile(r"[^\w\s]{101,}")
_SYMBOL_PIECE = 50
#: Block elements that nest: the HTML parser checks the open elements for each new one, so n of
#: them left unclosed cost n² (500 KB of `<div>` took 22 s). Real pages nest a few dozen deep.
_BLOCK_OPEN_CLOSE = re.compile(
    r"<(/?)(?:div|section|article|main|aside|nav|header|footer|blockquote|figure|ul|ol|dl|fieldset"
    r"|details|form|center|address|hgroup|menu|dir|figcaption|summary|table)\b[^>]*>",
    re.IGNORECASE,
)
_MAX_BLOCK_DEPTH = 256

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "footer",
    "aside",
    "form",
    "button",
    "iframe",
    "svg",
    "canvas",
    "picture",
    "source",
    "img",
    "video",
    "audio",
    "header",
    "figure",
    "select",
)
_BLOCK_TAGS = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "br",
    "hr",
    "dd",
    "dt",
    "figcaption",
    "td",
    "th",
)


def _is_furniture(line: str) -> bool:
    return bool(_MARKUP_DEBRIS.search(line) or _FURNITURE_LINE.match(line) or _FURNITURE_TEXT.search(line))


def clean_text(raw: str) -> str:
    """Plain text in, plain text out: furniture lines dropped, whitespace normalised.

    Paragraphs are separated by exactly one blank line. A hard-wrapped line (no closing
    punctuation, next line starting in lower case) is joined to the next rather than split.
    """
    if not raw:
        return ""
    text = unicodedata.normalize("NFC", raw)
    text = _ZERO_WIDTH.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _SYMBOL_RUN.sub(_cut_symbols, text)
    paragraphs: list[str] = []
    current: list[str] = []
    for raw_line in text.split("\n"):
        line = _SPACES.sub(" ", raw_line).strip()
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if _is_furniture(line):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if current and not _ENDS_SENTENCE.search(current[-1]) and line[:1].islower():
            current.append(line)  # hard-wrapped sentence continues
            continue
        if current:
            paragraphs.append(" ".join(current))
        current = [line]
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def _cut_symbols(m: re.Match[str]) -> str:
    run = m.group(0)
    return " ".join(run[i : i + _SYMBOL_PIECE] for i in range(0, len(run), _SYMBOL_PIECE))


def _bounded_nesting(html: str) -> str:
    """The page with block elements opened deeper than _MAX_BLOCK_DEPTH left out (their text
    stays); a page that never nests so deep is returned as it is."""
    depth = 0
    cut: list[tuple[int, int]] = []
    for m in _BLOCK_OPEN_CLOSE.finditer(html):
        if m.group(1):
            depth = max(0, depth - 1)
        elif m.group(0).endswith("/>"):
            continue
        elif depth >= _MAX_BLOCK_DEPTH:
            cut.append(m.span())
        else:
            depth += 1
    if not cut:
        return html
    parts: list[str] = []
    last = 0
    for start, end in cut:
        parts.append(html[last:start])
        last = end
    parts.append(html[last:])
    return "".join(parts)


def clean_html(html: str) -> str:
    """HTML in, clean plain text out; block elements become paragraphs."""
    if not html or not html.strip():
        return ""
    tree = LexborHTMLParser(_bounded_nesting(html))
    tree.strip_tags(list(_DROP_TAGS))
    for node in tree.css(
        "[class*=cookie], [id*=cookie], [class*=share], [class*=related], [class*=comment], "
        "[id*=comment], [class*=newsletter], [class*=advert], [aria-hidden=true], [hidden]"
    ):
        if node.tag not in ("html", "body"):
            node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    for tag in _BLOCK_TAGS:
        for node in root.css(tag):
            node.insert_before("\n\n")
            node.insert_after("\n\n")
    return clean_text(root.text(separator="", deep=True))
