"""Script in any text a teacher writes is shown as text, never run.

Every text field of a quiz, its questions and their answers is filled with an
XSS corpus; every page that shows them is parsed, and no element may carry a
script, an event handler, a `javascript:` URL or an element that can run code.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from quizzes import operations
from quizzes.tests.fixtures.plugin import questions_of

CORPUS = [
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    '<a href=" JaVaScRiPt:alert(1)">spaced</a>',
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)' x='",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    '<button hx-get="/" hx-trigger="load">htmx</button>',
    "![img](javascript:alert(1))",
    r"$\href{javascript:alert(1)}{x} \style{background:url(javascript:alert(1))}{y}$",
]
PAYLOAD = " ".join(CORPUS)
# MathML is allowed (formulas: quizzes.tex), its elements that act or hold HTML are not.
DANGEROUS_TAGS = {
    "script", "svg", "iframe", "object", "embed", "style", "base",
    "maction", "mglyph", "annotation-xml",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "hx-get", "hx-post"}
# The UI's own htmx triggers; any other would be someone's injected behaviour.
OWN_HTMX_TRIGGERS = {"reorder"}


class ActiveContent(HTMLParser):
    """Collects every element of a page that could run code, except the page's own."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and (attributes.get("src") or "").startswith("/static/"):
            return  # the page's own scripts
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and "javascript:" in "".join((value or "").split()).lower():
                self.found.append(f"<{tag} {name}={value}>")
            if name == "hx-get" or (name == "hx-trigger" and value not in OWN_HTMX_TRIGGERS):
                self.found.append(f"<{tag} {name}>")

    def handle_endtag(self, tag):
        pass


def active_content(html):
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def hostile(text=""):
    return f"{text} {PAYLOAD}"


@pytest.fixture
def hostile_quiz(teacher):
    """A quiz whose every text field, and every question's, carries the corpus."""
    feedback = hostile("feedback")
    return operations.create_quiz(
        teacher,
        {"title": hostile("title")[:200], "description": hostile("description"),
         "tags": [tag[:50] for tag in CORPUS[:8]]},
        [
            {"type": "multichoice", "name": hostile("name")[:200], "text": hostile("text"),
             "general_feedback": hostile("general"),
             "answers": [{"text": hostile("right"), "fraction": 100, "feedback": feedback},
                         {"text": hostile("wrong"), "fraction": 0, "feedback": feedback}]},
            {"type": "truefalse", "name": "tf", "text": hostile("tf"),
             "answers": [{"text": "true", "fraction": 100, "feedback": feedback},
                         {"text": "false", "fraction": 0, "feedback": feedback}]},
            {"type": "shortanswer", "name": "sa", "text": hostile(), "answers": [
                {"text": hostile("accepted")[:2000], "fraction": 100, "feedback": feedback}]},
            {"type": "numerical", "name": "num", "text": hostile(), "answers": [
                {"value": 1, "tolerance": 0, "fraction": 100, "feedback": feedback}]},
            {"type": "matching", "name": "match", "text": hostile(), "answers": [
                {"text": hostile("stem one"), "match": hostile("match one")[:2000]},
                {"text": hostile("stem two"), "match": hostile("match two")[:2000]}]},
            {"type": "essay", "name": "essay", "text": hostile(),
             "general_feedback": hostile("essay")},
        ],
    )  # fmt: skip


def pages(client, quiz):
    """Every page showing the quiz's content: dashboard, editor, forms, preview, results."""
    questions = questions_of(quiz)
    yield "dashboard", client.get("/")
    yield "search", client.get("/", {"q": CORPUS[0]})
    yield "editor", client.get(reverse("quiz_editor", args=[quiz.pk]))
    yield "settings", client.get(reverse("quiz_edit", args=[quiz.pk]))
    yield "delete", client.get(reverse("quiz_delete", args=[quiz.pk]))
    for question in questions:
        yield (
            f"edit {question.type}",
            client.get(reverse("question_edit", args=[quiz.pk, question.pk])),
        )
    yield "delete question", client.get(reverse("question_delete", args=[quiz.pk, questions[0].pk]))
    yield "preview", client.get(reverse("quiz_preview", args=[quiz.pk]))
    answers = {f"q-{question.pk}": "0" for question in questions}
    answers[f"q-{questions[4].pk}-0"] = hostile("match one")[:2000]
    answers[f"q-{questions[5].pk}"] = PAYLOAD
    yield "results", client.post(reverse("quiz_preview", args=[quiz.pk]), answers)
    yield "markdown preview", client.post(reverse("markdown_preview"), {"text": PAYLOAD})


def test_the_corpus_is_inert_on_every_page(hostile_quiz, owner_client):
    for name, response in pages(owner_client, hostile_quiz):
        assert response.status_code == 200, name
        html = response.content.decode()
        assert active_content(html) == [], name


def test_the_corpus_is_shown_as_text(hostile_quiz, owner_client):
    """The control of the test above: the content is there, escaped, not dropped."""
    dashboard = owner_client.get("/").content.decode()
    assert "title &lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in dashboard
    editor = owner_client.get(reverse("quiz_editor", args=[hostile_quiz.pk])).content.decode()
    assert "name &lt;script&gt;" in editor
    edit = owner_client.get(
        reverse("question_edit", args=[hostile_quiz.pk, questions_of(hostile_quiz)[0].pk])
    ).content.decode()
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in edit
    results = owner_client.post(reverse("quiz_preview", args=[hostile_quiz.pk]), {}).content
    assert b"feedback" in results


def test_the_detector_finds_what_it_looks_for():
    """ActiveContent is itself tested, so that an empty list means something."""
    assert active_content('<p onclick="x()">a</p><a href="https://example.org">b</a>') == [
        "<p onclick>"
    ]
    assert active_content('<div hx-trigger="load" hx-get="/">') == [
        "<div hx-trigger>",
        "<div hx-get>",
    ]
    assert active_content('<a href="javascript:x()">') == ["<a href=javascript:x()>"]
    assert active_content("<svg><script>x()</script>") == ["<svg>", "<script>"]
    assert active_content('<script src="/static/js/app.js"></script>') == []
