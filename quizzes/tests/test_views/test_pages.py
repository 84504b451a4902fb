"""Pages around the editor: logging in and out, passwords, errors, languages."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse


def test_log_in_then_out(teacher, teacher_password):
    client = Client()
    login = client.get(reverse("login")).content.decode()
    assert "Log in to OpenQuizz" in login
    response = client.post(reverse("login"), {"username": "teacher", "password": teacher_password})
    assert response["Location"] == "/"
    assert "My quizzes" in client.get("/").content.decode()
    logout = client.post(reverse("logout"))
    assert logout["Location"] == reverse("login")
    assert client.get("/").status_code == 302


@pytest.mark.usefixtures("teacher_password")
def test_a_wrong_password_is_refused_with_a_message(teacher):
    response = Client().post(reverse("login"), {"username": "teacher", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_change_password(teacher, teacher_password, owner_client):
    page = owner_client.get(reverse("password_change")).content.decode()
    assert "Change your password" in page
    new = "another-long-password-2"
    response = owner_client.post(
        reverse("password_change"),
        {"old_password": teacher_password, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Your new password is in use from now on." in response.content.decode()
    assert User.objects.get(pk=teacher.pk).check_password(new)


def test_page_not_found_uses_the_design(owner_client):
    response = owner_client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This page does not exist" in page
    assert "/static/css/app.css" in page


def test_every_page_has_the_layout_landmarks(quiz, owner_client):
    page = owner_client.get(reverse("quiz_editor", args=[quiz.pk])).content.decode()
    for landmark in (
        'class="skip-link" href="#main"',
        "<header",
        "<nav",
        '<main id="main"',
        "<footer",
    ):
        assert landmark in page
    assert f'action="{reverse("set_language")}" method="post"' in page
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.parametrize(
    ("accept", "heading"), [("fr-FR,fr;q=0.9", "Mes quiz"), ("en-GB,en;q=0.8", "My quizzes")]
)
def test_language_follows_accept_language(accept, heading, owner_client):
    page = owner_client.get("/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert f"<h1>{heading}</h1>" in page


def test_the_language_switcher_persists_the_choice(quiz, owner_client):
    editor = reverse("quiz_editor", args=[quiz.pk])
    response = owner_client.post(reverse("set_language"), {"language": "fr", "next": editor})
    assert response["Location"] == editor
    page = owner_client.get(editor, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in page
    assert "Ajouter une question" in page
    assert "Choix multiple" in page


def test_validation_messages_are_translated(quiz, owner_client):
    response = owner_client.post(
        reverse("quiz_create"),
        {"title": "", "pass_mark": "101"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    form = response.context["form"]
    assert form.errors["title"] == ["Ce champ est obligatoire."]
    assert form.errors["pass_mark"] == ["Saisissez un nombre entre 0 et 100."]
