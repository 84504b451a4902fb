"""Teachers' text to safe HTML: Markdown (or HTML, or plain text) then a sanitiser.

Everything a teacher or an import wrote goes through `render` before it is
shown: whatever the source format, the result passes nh3's allow-list, so no
script, event handler, style, or `javascript:` URL survives.
"""

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Raw HTML inside Markdown is allowed through to the sanitiser, which decides.
_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")


def sanitize(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render(text, text_format="markdown"):
    """Return safe HTML for `text` written in `text_format` (see TextFormat)."""
    if not text:
        return mark_safe("")
    if text_format == "html":
        html = text
    elif text_format in ("plain", "moodle"):
        html = linebreaks(escape(text))
    else:
        html = _markdown.render(text)
    return mark_safe(sanitize(html))  # noqa: S308 - sanitised just above
