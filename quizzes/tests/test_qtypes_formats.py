"""Text formats: Moodle's auto-format rendered as Moodle does, and answers in their own format."""

import pytest

from quizzes import scoring
from quizzes.qtypes import registry
from quizzes.rendering import render
from quizzes.validation import clean_question


@pytest.mark.parametrize(
    ("text", "html"),
    [
        # Moodle's text_to_html: line breaks become <br />, HTML is kept ...
        ("one\ntwo", '<div class="text_to_html">one<br>\ntwo</div>'),
        ("a <b>bold</b> word", '<div class="text_to_html">a <b>bold</b> word</div>'),
        # ... a line break next to a tag is a space, whitespace between tags goes.
        ("<p>one</p>\n\n<p>two</p>", '<div class="text_to_html"><p>one</p><p>two</p></div>'),
        ("x\n<b>y</b>\nz", '<div class="text_to_html">x <b>y</b> z</div>'),
        # Sanitised as every text is.
        ('<img src="x" onerror="alert(1)">', '<div class="text_to_html"><img src="x"></div>'),
        ("<script>alert(1)</script>hi", '<div class="text_to_html">hi</div>'),
        ("1 < 2 & 3 > 2", '<div class="text_to_html">1 &lt; 2 &amp; 3 &gt; 2</div>'),
    ],
)
def test_moodle_auto_format_is_rendered_as_moodles_text_to_html(text, html):
    assert render(text, "moodle") == html


def test_moodle_auto_format_keeps_pre_blocks_as_written():
    html = render("Code:\n<pre>def f():\n    return 1\n</pre>", "moodle")
    assert "<pre>def f():\n    return 1\n</pre>" in html
    assert "<br" not in html.split("<pre>")[1]


def test_other_formats_keep_their_rendering():
    assert render("one\ntwo", "plain") == "<p>one<br>two</p>"
    assert render("<b>x</b>", "html") == "<b>x</b>"
    assert render("*x*", "markdown") == "<p><em>x</em></p>\n"
    assert "evil" not in render('<div class="evil">x</div>', "html")


def multichoice(**fields):
    return clean_question(
        {
            "type": "multichoice",
            "name": "Q",
            "text": "Pick",
            "text_format": "markdown",
            "answers": [
                {"text": "<b>bold</b>", "fraction": 100, "text_format": "html"},
                {"text": "*em*", "fraction": 0},
            ],
            **fields,
        }
    )


def test_an_answer_in_another_format_than_its_question_is_rendered_in_its_own():
    question = multichoice()
    view = scoring.learner_view(question)
    assert view["choices"] == [
        {"id": 0, "text": "<b>bold</b>", "text_format": "html"},
        {"id": 1, "text": "*em*"},
    ]

    def question_render(text):
        return render(text, view["text_format"])

    context = registry.get("multichoice").learner_context(view, "q", None, question_render)
    assert [choice["html"] for choice in context["choices"]] == [
        "<b>bold</b>",
        "<p><em>em</em></p>\n",
    ]


def test_matching_stems_are_rendered_in_their_own_format():
    question = clean_question(
        {
            "type": "matching",
            "name": "Q",
            "text": "Match",
            "answers": [
                {"text": "a\nb", "match": "1", "text_format": "plain"},
                {"text": "c", "match": "2"},
            ],
        }
    )
    view = scoring.learner_view(question)
    context = registry.get("matching").learner_context(
        view, "q", None, lambda text: render(text, "markdown")
    )
    assert [stem["html"] for stem in context["stems"]] == ["<p>a<br>b</p>", "<p>c</p>\n"]
