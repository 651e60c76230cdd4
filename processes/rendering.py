"""Markdown written by editors turned into HTML that is safe to show to the public."""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}

# "js-default" keeps raw HTML off (markdown-it-py's own default preset turns it on).
_markdown = MarkdownIt("js-default")


def _demote_headings(tokens, heading_level: int) -> None:
    """Shift Markdown headings so that `#` becomes `heading_level`, keeping the page outline in order."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + heading_level - 1, 6)
            token.tag = f"h{level}"


def render_markdown(text: str, *, heading_level: int = 3) -> str:
    """Markdown source as sanitised HTML; `#` headings start at `heading_level`."""
    if not text:
        return ""
    tokens = _markdown.parse(text)
    _demote_headings(tokens, heading_level)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
