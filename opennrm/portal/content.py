"""The portal's texts: the default texts shipped with the code, and Markdown made into safe HTML.

Markdown is rendered by markdown-it-py with raw HTML off (an HTML tag in the text comes out as
text), then sanitized by nh3 to an allow-list: headings, paragraphs, lists, strong and emphasis,
and links to http(s), tel: and mailto: addresses. Whatever an editor types, no script, style,
image or attribute but a link's address reaches a visitor's phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from opennrm.validation import html_problem

CONTENT_DIR = Path(__file__).resolve().parent / "content"
FALLBACK_LANGUAGE = "en"

ALLOWED_TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https", "tel", "mailto"}


@dataclass(frozen=True)
class Text:
    title: str
    body: str  # Markdown


def _markdown() -> MarkdownIt:
    # "commonmark" with raw HTML off; tables, images and the rest are not needed (nor allowed).
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


_MD = _markdown()


def render(markdown: str, *, top: int = 2) -> SafeString:
    """``markdown`` as sanitized HTML. Its "#" and "##" headings become level ``top`` (2: the
    page's own title is its one level-1 heading; 3 inside a section titled at level 2), the
    deeper ones follow, down to level 4."""
    tokens = _MD.parse(markdown)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = max(int(token.tag[1]), 2) + top - 2
            token.tag = f"h{min(level, 4)}"
    html = _MD.renderer.render(tokens, _MD.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 (sanitized by nh3 just above)


def has_html(markdown: str) -> bool:
    """Whether ``markdown`` holds something that looks like an HTML tag (shown as text)."""
    return html_problem(markdown) is not None


def default_text(slug: str, language: str) -> Text:
    """The text shipped for ``slug`` in ``language`` (English where there is none): the first
    line "# Title", the rest the body."""
    return _default_text(slug, language.lower())


@lru_cache(maxsize=64)
def _default_text(slug: str, language: str) -> Text:
    for code in (language, FALLBACK_LANGUAGE):
        path = CONTENT_DIR / code / f"{slug}.md"
        if path.is_file():
            first, _newline, rest = path.read_text(encoding="utf-8").partition("\n")
            return Text(title=first.removeprefix("#").strip(), body=rest.strip())
    return Text(title="", body="")
