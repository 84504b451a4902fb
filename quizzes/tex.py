"""Mathematics: TeX in teachers' texts as MathML, made on the server (latex2mathml).

A formula is TeX between Moodle's delimiters or Markdown's: `\\(...\\)` and
`$...$` inline, `\\[...\\]` and `$$...$$` displayed. A `$` opens a formula
when a non-space follows it and closes one when a non-space precedes it and
no digit follows it, so "$5 and $10" stays text; `\\$` is a dollar sign. No
formula spans a blank line. Code is left as written: Markdown's code spans
and blocks, HTML's <pre>, <code>, <script>, <style> and <textarea>, and HTML
tags themselves (a formula in an attribute stays text). Outside plain text,
entities in a formula are read as a browser reads them ("&lt;" is "<").

quizzes.rendering.render is the only caller: `protect` swaps each formula
for a placeholder before the text's format is rendered (so Markdown never
reads TeX's underscores, asterisks or backslashes), `restore` puts the
formulas back as MathML into the rendered HTML, which is sanitised after
(MATHML_TAGS and MATHML_ATTRIBUTES say what it keeps). A formula that cannot
be read (invalid TeX, too long, too deeply nested, one too many in a text)
shows as its source, escaped, in a <span class="math-error"> saying so:
rendering never fails on a formula, and takes bounded time.
"""

import re
import secrets
from functools import cached_property, lru_cache
from html import unescape

from django.utils.html import escape
from django.utils.translation import gettext
from latex2mathml.converter import convert
from markdown_it import MarkdownIt

# Bounds on what is converted, so that no text makes rendering slow or deep.
TEX_MAX = 2_000  # characters of one formula
NESTING_MAX = 40  # groups ({...}, \left...\right, \begin...\end) inside one another
FORMULAS_MAX = 1_000  # formulas of one text

# What latex2mathml makes, with the semantics wrapper that keeps the TeX source.
MATHML_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
    "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
    "mtable", "mtr", "mtd", "mstyle", "menclose", "mpadded", "mphantom",
}  # fmt: skip
# Presentation attributes only: none takes a URL, a script or a style.
MATHML_ATTRIBUTES = {
    "display", "xmlns", "encoding", "mathvariant", "mathsize", "mathcolor", "mathbackground",
    "stretchy", "fence", "separator", "form", "lspace", "rspace", "minsize", "maxsize",
    "movablelimits", "largeop", "symmetric", "accent", "accentunder", "linethickness",
    "columnalign", "columnlines", "columnspacing", "rowalign", "rowlines", "rowspacing",
    "columnspan", "rowspan", "frame", "displaystyle", "scriptlevel", "notation", "width",
    "height", "depth", "voffset", "linebreak",
}  # fmt: skip
ERROR_CLASS = "math-error"
# A displayed formula's box: it scrolls sideways when wider than the page, so it takes
# the keyboard's focus (tabindex="0") to be scrolled without a mouse.
DISPLAY_CLASS = "math-display"

_FORMULA = r"""
    \$\$(?P<dollars>(?:[^$\\]|\\.)+?)\$\$
  | \\\[(?P<brackets>(?:[^\\]|\\[^()\[\]])+?)\\\]
  | \\\((?P<parens>(?:[^\\]|\\[^()\[\]])+?)\\\)
  | \$(?=[^\s$])(?P<dollar>(?:[^$\\]|\\.)+?)(?<!\s)\$(?!\d)
"""
TEX_GROUPS = ("dollars", "brackets", "parens", "dollar")
DISPLAY_GROUPS = ("dollars", "brackets")
_ESCAPED_DOLLAR = r"(?P<escaped>\\\$)"
# HTML's code elements (one left open runs to the end, as a browser reads it), comments
# and tags as CommonMark takes them (so "a<b and $x$ (c>d)" holds no tag).
_ATTRIBUTE = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_HTML_CODE = (
    r"<(?P<code>pre|code|script|style|textarea)(?=[\s/>]).*?(?:</(?P=code)\s*>|\Z)"
    r"|<!--.*?(?:-->|\Z)"
    rf"|<[A-Za-z][A-Za-z0-9-]*(?:{_ATTRIBUTE})*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>"
)
# Linear time: each alternative stops at the next delimiter it cannot hold.
FORMULAS = {
    "html": re.compile(f"{_ESCAPED_DOLLAR}|{_HTML_CODE}|{_FORMULA}", re.S | re.I | re.X),
    "plain": re.compile(f"{_ESCAPED_DOLLAR}|{_FORMULA}", re.S | re.X),
}
DELIMITERS = re.compile(r"\$|\\\(|\\\[")
BLANK_LINE = re.compile(r"\n[ \t]*\n")
BACKTICKS_OR_BLANK_LINE = re.compile(r"`+|\n[ \t]*\n")
GROUPS = re.compile(r"(?P<open>(?<!\\)\{|\\left\b|\\begin\b)|(?<!\\)\}|\\right\b|\\end\b")

_code_blocks = MarkdownIt("commonmark")


def nesting(tex):
    """The deepest nesting of groups in `tex` (near enough to bound the converter's recursion)."""
    depth = deepest = 0
    for found in GROUPS.finditer(tex):
        depth += 1 if found["open"] else -1
        deepest = max(deepest, depth)
    return deepest


@lru_cache(maxsize=2048)
def to_mathml(tex, display):
    """MathML of `tex` (<math display="block"> when `display`) keeping the source as its
    annotation, or None when latex2mathml cannot read it or it is out of bounds."""
    tex = tex.strip()
    if not tex or len(tex) > TEX_MAX or nesting(tex) > NESTING_MAX:
        return None
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception:  # whatever the converter raises (RecursionError too), the TeX is wrong
        return None
    # latex2mathml's <math> holds one <mrow>: the presentation <semantics> wants first.
    start, end = mathml.index(">") + 1, mathml.rindex("</math>")
    annotation = f'<annotation encoding="application/x-tex">{escape(tex)}</annotation>'
    return f"{mathml[:start]}<semantics>{mathml[start:end]}{annotation}</semantics></math>"


def error_mark(source, reason):
    return f'<span class="{ERROR_CLASS}" title="{escape(reason)}">{escape(source)}</span>'


def markdown_code(text):
    """[(start, end)] of the characters of Markdown `text` (newlines: "\\n") in code blocks
    and code spans, in order."""
    offsets = [0]
    for line in text.split("\n"):
        offsets.append(offsets[-1] + len(line) + 1)
    blocks = [
        (offsets[token.map[0]], min(offsets[token.map[1]], len(text)))
        for token in _code_blocks.parse(text)
        if token.type in ("fence", "code_block") and token.map
    ]
    spans, position = [], 0
    for start, end in [*blocks, (len(text), len(text))]:
        spans += code_spans(text, position, start)
        spans.append((start, end))
        position = end
    return spans[:-1]


def code_spans(text, start, end):
    """[(start, end)] of Markdown's code spans in text[start:end]: a run of backticks up
    to the next run as long, in one paragraph (CommonMark's rule, in linear time)."""
    runs, spans = [], []
    for found in [*BACKTICKS_OR_BLANK_LINE.finditer(text, start, end), None]:
        if found is not None and found[0].startswith("`"):
            runs.append(found)
            continue
        # The end of a paragraph: pair its runs, each with the next one as long.
        following, after = {}, [None] * len(runs)
        for index in range(len(runs) - 1, -1, -1):
            length = len(runs[index][0])
            after[index], following[length] = following.get(length), index
        index = 0
        while index < len(runs):
            if after[index] is None:
                index += 1
            else:
                spans.append((runs[index].start(), runs[after[index]].end()))
                index = after[index] + 1
        runs = []
    return spans


class Formulas:
    """The formulas `protect` took out of one text, each with its placeholder."""

    def __init__(self):
        self.nonce = secrets.token_hex(8)
        self.found = []  # (source as written, TeX, displayed)

    @cached_property
    def placeholder(self):
        # Compiled only for a text that has formulas: each nonce makes a new pattern,
        # which re's cache cannot serve (0.4 ms a text otherwise).
        return re.compile(f"texformula{self.nonce}x([0-9]+)x")

    def add(self, source, tex, display):
        """The placeholder of a new formula: letters and digits, which no format changes,
        with a nonce no text can guess."""
        self.found.append((source, tex, display))
        return f"texformula{self.nonce}x{len(self.found) - 1}x"

    def html(self, index):
        """The formula's MathML, or its source marked as an error."""
        source, tex, display = self.found[index]
        if index >= FORMULAS_MAX:
            return error_mark(source, gettext("Too many formulas in one text."))
        mathml = to_mathml(tex, display)
        if mathml is None:
            return error_mark(source, gettext("This formula could not be read: check its TeX."))
        if display:
            return f'<span class="{DISPLAY_CLASS}" tabindex="0">{mathml}</span>'
        return mathml

    def restore(self, html):
        """`html` (rendered from the protected text) with the formulas back: MathML in
        text, their source inside a tag (an image's alt text, a link's title)."""
        if not self.found:
            return html
        pieces = TAG.split(html)
        for index, piece in enumerate(pieces):
            in_tag = index % 2
            pieces[index] = self.placeholder.sub(
                lambda found, in_tag=in_tag: (
                    escape(self.found[int(found[1])][0]) if in_tag else self.html(int(found[1]))
                ),
                piece,
            )
        return "".join(pieces)


TAG = re.compile(r"(<[^>]*>)")
MATH_ELEMENT = re.compile(
    r"<math\b[^>]*>.*?<annotation encoding=\"application/x-tex\">(.*?)</annotation>"
    r"</semantics></math>",
    re.S,
)


def as_source(html):
    """`html` (rendered) with each formula's MathML back to its TeX, as `$...$`."""
    return MATH_ELEMENT.sub(lambda found: f"${found[1]}$", html)


def protect(text, text_format):
    """(`text` with a placeholder for each formula, Formulas): see the module doc.

    Markdown's text comes with its line breaks as "\\n" (as Markdown reads them)."""
    formulas = Formulas()
    if not DELIMITERS.search(text):
        return text, formulas
    markdown = text_format == "markdown"
    if markdown:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        pattern = FORMULAS["html"]
        code = markdown_code(text)
    else:
        pattern = FORMULAS["plain" if text_format == "plain" else "html"]
        code = []
    pieces, position = [], 0
    for start, end in [*code, (len(text), len(text))]:
        while (found := pattern.search(text, position, start)) is not None:
            name = next((name for name in TEX_GROUPS if found[name]), None)
            tex = found[name] if name else None
            if tex is None or BLANK_LINE.search(tex):
                # Code, a tag or \$ kept (\$ as a dollar outside Markdown, which does it
                # itself); a formula across a blank line is none.
                skip = found.end() if tex is None else found.start() + 1
                kept = "$" if found["escaped"] and not markdown else text[found.start() : skip]
                pieces += [text[position : found.start()], kept]
                position = skip
                continue
            source = found[0]
            if text_format != "plain":  # a browser reads "&lt;" as "<", and so does TeX here
                source, tex = unescape(source), unescape(tex)
            placeholder = formulas.add(source, tex, name in DISPLAY_GROUPS)
            pieces += [text[position : found.start()], placeholder]
            position = found.end()
        pieces.append(text[position:end])
        position = end
    return "".join(pieces), formulas
