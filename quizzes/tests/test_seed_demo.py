"""`manage.py seed_demo`: the demo teacher and quizzes covering every question type."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from quizzes import demo
from quizzes.models import Question, QuestionType, Quiz

pytestmark = pytest.mark.django_db


def seed(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def test_seed_creates_the_teacher_and_quizzes_of_every_type(settings):
    settings.DEBUG = True
    out = seed()
    teacher = User.objects.get(username="demo")
    assert teacher.check_password(demo.DEFAULT_PASSWORD)
    assert "'demo'" in out and repr(demo.DEFAULT_PASSWORD) in out
    titles = sorted(Quiz.objects.filter(owner=teacher).values_list("title", flat=True))
    assert titles == ["European capitals", "Fractions and percentages", "The Solar System"]
    assert set(Question.objects.values_list("type", flat=True)) == set(QuestionType.values)
    assert Quiz.objects.filter(status="published").count() == 1
    # Every demo question has feedback of some kind.
    for question in Question.objects.exclude(type__in=["essay", "description"]):
        assert question.general_feedback or any(a.feedback for a in question.answers), question


def test_seed_is_idempotent(settings):
    settings.DEBUG = True
    seed()
    before = sorted(Quiz.objects.values_list("pk", "version"))
    out = seed()
    assert "Created demo quiz" not in out
    assert sorted(Quiz.objects.values_list("pk", "version")) == before
    assert User.objects.filter(username="demo").count() == 1


def test_seed_puts_back_a_deleted_demo_quiz_and_takes_the_password_from_the_environment(
    settings, monkeypatch
):
    settings.DEBUG = True
    seed()
    Quiz.objects.filter(title="European capitals").delete()
    monkeypatch.setenv("OPENQUIZZ_DEMO_PASSWORD", "my-own-demo-password")
    out = seed()
    assert "Created demo quiz: European capitals" in out
    assert User.objects.get(username="demo").check_password("my-own-demo-password")


def test_seed_does_nothing_without_debug_unless_forced(settings):
    settings.DEBUG = False
    err = StringIO()
    call_command("seed_demo", stdout=StringIO(), stderr=err)
    assert "DEBUG is off: no demo teacher created" in err.getvalue()
    assert not User.objects.filter(username="demo").exists()
    seed(force=True)
    assert Quiz.objects.count() == 3
