"""Teachers' text to safe HTML: Markdown (or HTML, plain text, Moodle's auto-format)
then a sanitiser.

Everything a teacher or an import wrote goes through `render` before it is
shown: whatever the source format, the result passes nh3's allow-list, so no
script, event handler, style, or `javascript:` URL survives. TeX formulas in
it become MathML (quizzes.tex), sanitised as the rest.
"""

import re

import nh3
from django.utils.html import escape, linebreaks, strip_tags
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from quizzes import tex

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
} | tex.MATHML_TAGS  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "abbr": {"title"},
    "span": {"title"},
} | {name: tex.MATHML_ATTRIBUTES for name in tex.MATHML_TAGS}
URL_SCHEMES = {"http", "https", "mailto"}
# The only classes kept: the one Moodle's auto-format wraps its text in, and those of
# formulas (quizzes.tex): a displayed formula's box, the mark of one that could not be read.
ALLOWED_CLASSES = {"div": {"text_to_html"}, "span": {tex.DISPLAY_CLASS, tex.ERROR_CLASS}}
# Attributes kept with these values only: a displayed formula's box is a tab stop, in order.
ALLOWED_VALUES = {"span": {"tabindex": {"0"}}}

# Raw HTML inside Markdown is allowed through to the sanitiser, which decides.
_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")


# Built once: nh3.clean would convert the allow-lists (MathML's included) on every call,
# 0.6 ms a text against 2 µs for the cleaning itself (a page of 25 excerpts: 16 ms).
_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    allowed_classes=ALLOWED_CLASSES,
    tag_attribute_values=ALLOWED_VALUES,
    link_rel="noopener noreferrer nofollow",
)


def sanitize(html):
    return _cleaner.clean(html)


PRE_BLOCK = re.compile(r"(<pre\b.*?</pre\s*>)", re.IGNORECASE | re.DOTALL)
SPACE_BETWEEN_TAGS = re.compile(r">\s+<")
NEWLINE_BEFORE_TAG = re.compile(r"[\n\r]<")
NEWLINE_AFTER_TAG = re.compile(r">[\n\r]")


def moodle_to_html(text):
    """Moodle's auto-format as its `text_to_html` makes it HTML: HTML is kept, line
    breaks become <br>, except around tags, and whitespace between tags goes.

    Unlike Moodle, a <pre> block is left as written: its line breaks show already,
    and its indentation is the point of it.
    """
    pieces = PRE_BLOCK.split(text)
    for index in range(0, len(pieces), 2):  # outside <pre>
        piece = SPACE_BETWEEN_TAGS.sub("><", pieces[index])
        piece = NEWLINE_AFTER_TAG.sub("> ", NEWLINE_BEFORE_TAG.sub(" <", piece))
        pieces[index] = piece.replace("\r\n", "\n").replace("\n", "<br />\n")
    return '<div class="text_to_html">' + "".join(pieces) + "</div>"


def render(text, text_format="markdown"):
    """Return safe HTML for `text` written in `text_format` (see TextFormat), its TeX
    formulas as MathML (quizzes.tex: never an error, an unreadable formula is marked).

    The one place a text becomes HTML: whoever changes what texts show as (media
    URLs made absolute, say) does it here."""
    if not text:
        return mark_safe("")
    text, formulas = tex.protect(text, text_format)
    if text_format == "html":
        html = text
    elif text_format == "moodle":
        html = moodle_to_html(text)
    elif text_format == "plain":
        html = linebreaks(escape(text))
    else:
        html = _markdown.render(text)
    return mark_safe(sanitize(formulas.restore(html)))  # noqa: S308 - sanitised just above


def excerpt(text, text_format="markdown"):
    """`text` as the plain words a list's excerpt shows (safe: no tag left): rendered,
    its formulas back to their TeX source, tags stripped."""
    return mark_safe(strip_tags(tex.as_source(render(text, text_format))))  # noqa: S308 - no tag
