"""Mathematics: TeX between Moodle's or Markdown's delimiters renders as sanitised MathML
(quizzes.tex through quizzes.rendering.render), and no formula ever breaks a page."""

import re
import time

import pytest

from quizzes import tex
from quizzes.rendering import excerpt, render

FRACTION = "<mfrac><mrow><mi>a</mi></mrow><mrow><mi>b</mi></mrow></mfrac>"


def maths(html):
    """The <math> elements of `html`, each as (display, inner MathML)."""
    pattern = r'<math xmlns="[^"]+" display="(\w+)"><semantics>(.*?)</semantics></math>'
    return re.findall(pattern, html, re.S)


@pytest.mark.parametrize(
    ("source", "display"),
    [
        (r"$\frac{a}{b}$", "inline"),
        (r"\(\frac{a}{b}\)", "inline"),
        (r"$$\frac{a}{b}$$", "block"),
        (r"\[\frac{a}{b}\]", "block"),
    ],
)
@pytest.mark.parametrize("text_format", ["markdown", "html", "moodle", "plain"])
def test_each_delimiter_renders_mathml_in_each_format(source, display, text_format):
    html = render(f"So {source} here.", text_format)
    [(shown, inner)] = maths(html)
    assert shown == display and FRACTION in inner
    # The source stays, for screen readers and copying.
    assert r'<annotation encoding="application/x-tex">\frac{a}{b}</annotation>' in inner
    assert "$" not in html and r"\(" not in html and r"\[" not in html


def test_markdown_leaves_the_tex_alone():
    """Underscores, asterisks and backslashes are TeX's, not Markdown's emphasis or escapes."""
    html = render(r"Let $a_1 * b_2 * c$ and $\{x\}$ be *sets*.")
    first, second = (inner for _display, inner in maths(html))
    assert "<msub><mi>a</mi><mn>1</mn></msub><mo>*</mo><msub><mi>b</mi><mn>2</mn></msub>" in first
    assert "<em>" not in first and '<mo stretchy="false">{</mo>' in second
    assert "<em>sets</em>" in html


def test_a_multiline_display_formula_is_one_formula():
    html = render("$$\n- x \\\\\n+ y\n$$")
    [(display, inner)] = maths(html)
    assert display == "block" and "<ul>" not in html and "<mi>y</mi>" in inner


@pytest.mark.parametrize(
    "text",
    [
        "Costs $5 and $10 today",  # currency: a space before the closing $, a digit after
        r"Price \$x\$ only",  # escaped dollars
        "A $ alone",
        "$ x$",  # a space after the opening $
        "$x $",  # a space before the closing $
        "$a\n\nb$",  # across a blank line
        "$$a\n\nb$$",
        r"\(a" "\n\n" r"b\)",
    ],
)
def test_what_is_not_a_formula_stays_text(text):
    html = render(text)
    assert "<math" not in html and "math-error" not in html


def test_an_escaped_dollar_is_a_dollar_in_every_format():
    for text_format in ("markdown", "html", "moodle", "plain"):
        html = render(r"\$5 and $x$", text_format)
        assert "$5 and <math" in html, text_format


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Use `$x$` here", "<code>$x$</code>"),
        ("Use `` a`$x$ `` here", "<code>a`$x$</code>"),
        ("```\n$$x$$\n```", "<pre><code>$$x$$\n</code></pre>"),
        ("Code:\n\n    $x$ and \\(y\\)\n", "<pre><code>$x$ and \\(y\\)\n</code></pre>"),
        ("- item\n\n  ~~~\n  $x$\n  ~~~", "<code>$x$\n</code>"),
        ("<pre>$x$</pre>", "<pre>$x$</pre>"),
        ("<code>$x$</code>", "<code>$x$</code>"),
    ],
)
def test_code_is_left_as_written_in_markdown(text, kept):
    html = render(f"{text}\n\nbut $y$")
    assert kept in html
    [(_display, inner)] = maths(html)
    assert "<mi>y</mi>" in inner


@pytest.mark.parametrize("text_format", ["html", "moodle"])
def test_code_and_tags_are_left_as_written_in_html(text_format):
    html = render('<pre>$x$</pre><code>\\(y\\)</code><abbr title="$t$">T</abbr> $z$', text_format)
    assert "<pre>$x$</pre>" in html and "<code>\\(y\\)</code>" in html
    assert 'title="$t$"' in html
    [(_display, inner)] = maths(html)
    assert "<mi>z</mi>" in inner


def test_a_formula_inside_a_markdown_attribute_shows_its_source():
    html = render('![$x^2$](https://example.org/a.png) and [link](https://example.org "$y$")')
    assert 'alt="$x^2$"' in html and 'title="$y$"' in html and "<math" not in html


@pytest.mark.parametrize(
    "source",
    [
        r"$\frac{a}{$",  # a group left open
        r"$x^1^2$",  # latex2mathml raises
        "$" + "x+" * tex.TEX_MAX + "$",  # too long
        "$" + "{" * 200 + "x" + "}" * 200 + "$",  # too deep: would exhaust the recursion
        r"\(" + r"\left(" * 60 + "x" + r"\right)" * 60 + r"\)",
    ],
)
def test_a_formula_that_cannot_be_read_shows_its_source_marked(source):
    html = render(f"See {source} there.")
    assert "<math" not in html
    [mark] = re.findall(r'<span class="math-error" title="([^"]+)">', html)
    assert "could not be read" in mark
    assert html.count("math-error") == 1 and "there." in html


def test_an_error_mark_escapes_the_source():
    html = render(r"$x^1^2 <script>alert(1)</script>$")
    assert "<script" not in html and "&lt;script&gt;" in html and "math-error" in html


def test_too_many_formulas_in_one_text_are_marked_past_the_limit():
    html = render(" ".join(f"$x_{i}$" for i in range(tex.FORMULAS_MAX + 2)))
    assert html.count("<math") == tex.FORMULAS_MAX
    assert html.count('class="math-error" title="Too many formulas in one text."') == 2


@pytest.mark.parametrize(
    "text",
    [
        "\\(" * 30_000,  # openers never closed
        "$$" + "a" * 100_000,
        "$a " * 30_000,
        "``a`" * 20_000,  # code spans never closed
        "<pre" * 20_000,
        "\\[x" * 30_000,
    ],
)
def test_pathological_texts_render_in_bounded_time(text):
    started = time.perf_counter()
    render(text)
    assert time.perf_counter() - started < 5  # quadratic would take minutes


def test_the_sanitiser_keeps_mathml_and_strips_what_is_dangerous():
    html = render(
        '<math display="block"><mrow><mi onclick="alert(1)" mathvariant="bold">a</mi>'
        '<maction actiontype="toggle"><mi>b</mi></maction><mi href="javascript:alert(1)">c</mi>'
        '<mi style="color:red" class="x">d</mi><mtext><script>alert(1)</script></mtext>'
        "</mrow></math>",
        "html",
    )
    assert '<math display="block"><mrow><mi mathvariant="bold">a</mi>' in html
    for dangerous in ("onclick", "maction", "href", "style", "class", "<script"):
        assert dangerous not in html


def test_tex_commands_that_make_links_or_styles_lose_them():
    html = render(r"$\href{javascript:alert(1)}{x} \style{color:red}{y} \class{z}{w}$")
    [(_display, inner)] = maths(html)
    shown = inner.split("<annotation")[0]  # the source, as text, is in the annotation
    assert "<mi>x</mi>" in shown and "<mi>y</mi>" in shown
    for dangerous in ("javascript", "href", "style=", "class="):
        assert dangerous not in shown


def test_a_forged_placeholder_is_text():
    text = "texformula0123456789abcdefx0x and $x$"
    assert render(text).startswith("<p>texformula0123456789abcdefx0x and <math")


def test_conversions_are_cached():
    tex.to_mathml.cache_clear()
    render("$y^2$ and $y^2$")
    render("$y^2$")
    info = tex.to_mathml.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_an_excerpt_shows_formulas_as_their_tex():
    assert excerpt(r"What is \(\frac{a}{b}\) in **bold** <i>x < y</i>?") == (
        "What is $\\frac{a}{b}$ in bold x &lt; y?\n"
    )


@pytest.mark.parametrize("text_format", ["markdown", "html", "moodle"])
def test_entities_in_a_formula_are_read_as_the_browser_reads_them(text_format):
    html = render(r"$a &lt; b \&amp; c$ and $x^1^2 &amp;$", text_format)
    [(_display, inner)] = maths(html)
    assert "<mo>&lt;</mo>" in inner and "&amp;amp;" not in html
    assert r'title="This formula could not be read: check its TeX.">$x^1^2 &amp;$</span>' in html


def test_entities_stay_text_in_plain_text():
    [(_display, inner)] = maths(render("$a &lt; b$", "plain"))
    assert "<mi>l</mi><mi>t</mi>" in inner


def test_a_less_than_sign_in_markdown_is_no_tag_hiding_the_formulas_after_it():
    html = render("If a<b then $x$ (c>d), <a title='$t$' data-x=$v$>l</a> <!-- $c$ --> $z$")
    [(_display, x), (_display, z)] = maths(html)
    assert "<mi>x</mi>" in x and "<mi>z</mi>" in z
    assert 'title="$t$"' in html


def test_pathological_tags_are_scanned_in_bounded_time():
    for text in ('<a b="' * 50_000, "<a b=x " * 50_000, "<!--" * 50_000, "<a" + " b" * 100_000):
        started = time.perf_counter()
        render(text + "$x$")
        assert time.perf_counter() - started < 5  # quadratic would take minutes


def test_a_displayed_formula_is_in_a_box_the_keyboard_can_scroll():
    html = render(r"$$x$$ and \(y\)")
    assert html.startswith('<p><span class="math-display" tabindex="0"><math ')
    assert html.count("math-display") == 1  # inline formulas are no tab stops


def test_teachers_html_keeps_no_other_tab_stop():
    html = render(
        '<span tabindex="3">a</span><p tabindex="0">b</p><span tabindex="0">c</span>', "html"
    )
    assert html == '<span>a</span><p>b</p><span tabindex="0">c</span>'
