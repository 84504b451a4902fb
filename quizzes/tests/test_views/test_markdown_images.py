"""Images put into Markdown fields without JavaScript (quizzes.markdown_images): the
editors' plain file and alt text inputs, stored on saving in the form's transaction;
and the bank list's thumbnails."""

import io

import pytest
from django.urls import reverse

from quizzes import media
from quizzes.markdown_images import first_image, image_markdown
from quizzes.models import Quiz
from quizzes.tests.fixtures.plugin import db_snapshot, question_named
from quizzes.tests.test_media import HTML, image_bytes, stored_count
from quizzes.tests.test_views.conftest import question_post, quiz_post

# The 400 of a refused form aborts the request's transaction (sessions_mw), as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def upload(name, data):
    file = io.BytesIO(data)
    file.name = name
    return file


def add_question(client, quiz, **fields):
    return client.post(reverse("question_add", args=[quiz.pk, "multichoice"]), fields)


def test_an_image_chosen_without_javascript_is_stored_and_shown_in_its_field(
    owner_client, make_quiz
):
    quiz = make_quiz("Shapes")
    data = image_bytes()
    response = add_question(
        owner_client,
        quiz,
        **question_post(quiz.version, name="Square", text="What is this shape?"),
        text__image=upload("square.png", data),
        text__image_alt="A red [square]",
    )
    assert response.status_code == 302
    stored = media.StoredFile.of(media.stored_file(media.hashlib.sha256(data).hexdigest()))
    question = question_named(quiz, "Square")
    assert question.text == f"What is this shape?\n\n![A red \\[square\\]]({stored.url})"
    assert question.media == [stored.sha256]
    assert media.file_bytes(stored.sha256) == data


def test_an_image_goes_to_the_answer_row_it_was_chosen_in(owner_client, make_quiz):
    quiz = make_quiz("Shapes")
    response = add_question(
        owner_client,
        quiz,
        **question_post(quiz.version, name="Pick"),
        **{"answers-1-text__image": upload("b.gif", image_bytes("GIF"))},
        **{"answers-1-text__image_alt": "Blue"},
    )
    assert response.status_code == 302
    answers = question_named(quiz, "Pick").answers
    assert answers[0].text == "Paris"
    assert answers[1].text.startswith("Lyon\n\n![Blue](/media/")


@pytest.mark.parametrize(
    ("file", "alt", "message"),
    [
        (("page.png", HTML), "A page", "not an image of an allowed type"),
        (("square.png", image_bytes()), "  ", "Give the image&#x27;s alt text"),
    ],
    ids=["not an image", "no alt text"],
)
def test_a_refused_image_is_a_form_error_and_nothing_is_saved(
    owner_client, make_quiz, file, alt, message
):
    quiz = make_quiz("Shapes")
    before = db_snapshot()
    response = add_question(
        owner_client,
        quiz,
        **question_post(quiz.version, name="Square", text="Typed text"),
        # A good image in another field is not kept either: the whole form is refused.
        general_feedback__image=upload("good.png", image_bytes(color="blue")),
        general_feedback__image_alt="Blue",
        text__image=upload(*file),
        text__image_alt=alt,
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert page.count('class="errorlist"') >= 1
    assert "Typed text" in page
    assert db_snapshot() == before
    assert stored_count() == (0, 0)


def test_the_quiz_description_takes_an_image_too(owner_client, make_quiz):
    quiz = make_quiz("Shapes")
    response = owner_client.post(
        reverse("quiz_edit", args=[quiz.pk]),
        {
            **quiz_post(quiz.version, description="Look:"),
            "description__image": upload("pic.png", image_bytes()),
            "description__image_alt": "A picture",
        },
    )
    assert response.status_code == 302
    assert Quiz.objects.get(pk=quiz.pk).description.startswith("Look:\n\n![A picture](/media/")


def test_the_quiz_form_refuses_a_bad_image(owner_client, make_quiz):
    quiz = make_quiz("Shapes")
    response = owner_client.post(
        reverse("quiz_edit", args=[quiz.pk]),
        {
            **quiz_post(quiz.version, description="Look:"),
            "description__image": upload("pic.png", HTML),
            "description__image_alt": "A picture",
        },
    )
    assert response.status_code == 400
    assert "not an image of an allowed type" in response.content.decode()
    assert Quiz.objects.get(pk=quiz.pk).title == "Shapes"
    assert stored_count() == (0, 0)


def test_the_editors_offer_the_image_inputs_and_dialog(owner_client, make_quiz):
    quiz = make_quiz("Shapes")
    page = owner_client.get(reverse("question_add", args=[quiz.pk, "multichoice"]))
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="text__image"' in html
    assert 'name="answers-0-feedback__image_alt"' in html
    assert html.count('id="image-dialog"') == 1
    assert 'data-insert-image="id_text"' in html


def test_the_bank_list_shows_a_thumbnail_of_the_first_image(owner_client, make_quiz, teacher):
    stored = media.store(teacher, "cat.png", image_bytes())
    text = (
        f"Which animal?\n\n{image_markdown('A cat', stored.url)} and ![x](/media/{'0' * 64}/b.png)"
    )
    make_quiz("Animals", [{"type": "essay", "name": "Cat", "text": text}])
    make_quiz("Plain", [{"type": "essay", "name": "Dog", "text": "No image"}])
    html = owner_client.get(reverse("bank_questions")).content.decode()
    thumb = f'<img class="bank-thumb" src="{stored.url}" alt="A cat" width="80" height="60" loading="lazy">'
    assert html.count('class="bank-thumb"') == 1
    assert thumb in html


def test_first_image_reads_escaped_alt_text():
    assert first_image("![a \\] b](/media/" + "f" * 64 + "/x.png)") == (
        "a ] b",
        "/media/" + "f" * 64 + "/x.png",
    )
    assert first_image("![outside](https://example.org/x.png)") is None
    assert first_image(None) is None
