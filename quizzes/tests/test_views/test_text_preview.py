"""The editor's preview of a question text, as its type shows it to learners."""

from django.urls import reverse


def preview(client, text, **fields):
    data = {"field": "text", "text": text, "text_format": "markdown", **fields}
    return client.post(reverse("markdown_preview"), data).content.decode()


def test_a_cloze_text_previews_with_its_gaps_and_no_answer_key(owner_client):
    html = preview(owner_client, "The capital is {1:MC:=Paris#Yes~Lyon}.", qtype="cloze")
    assert '<select name="preview-1"' in html
    assert ">Paris</option>" in html and ">Lyon</option>" in html
    assert "{1:MC" not in html and "Yes" not in html


def test_a_cloze_error_names_the_gap_in_the_preview(owner_client):
    html = preview(owner_client, "A {1:SA:=a} and {1:MC:~b~c}.", qtype="cloze")
    assert 'role="alert"' in html and "Sub-question 2" in html


def test_other_texts_preview_as_markdown(owner_client):
    assert "<strong>bold</strong>" in preview(owner_client, "**bold** {1:SA:=a}", qtype="essay")
    assert "<em>it</em>" in preview(owner_client, "*it*", qtype="no-such-type")


def add_form(client, quiz, qtype):
    return client.get(reverse("question_add", args=[quiz.pk, qtype])).content.decode()


def test_the_cloze_text_box_is_described_by_the_syntax_help(quiz, owner_client):
    page = add_form(owner_client, quiz, "cloze")
    assert 'aria-describedby="syntax-help"' in page
    assert '<p class="muted syntax-help" id="syntax-help">' in page


def test_a_description_asks_for_no_points_and_no_hints(quiz, owner_client):
    """Nothing to answer; its general feedback stays, as Moodle's description has one."""
    page = add_form(owner_client, quiz, "description")
    assert 'name="points"' not in page and 'name="hints-TOTAL_FORMS"' not in page
    assert 'name="general_feedback"' in page
    assert 'name="text"' in page and "syntax-help" not in page
