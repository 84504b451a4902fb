"""Sharing: share codes (given once, kept, unique), the new options and the start rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from quizzes import attempts, formats, operations, releases, sharing
from quizzes.models import Attempt, Quiz
from quizzes.tests.fixtures.plugin import db_snapshot
from quizzes.validation import clean_quiz
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

pytestmark = pytest.mark.django_db

TRUE_FALSE = {
    "type": "truefalse",
    "name": "Sky",
    "text": "The sky is blue.",
    "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
}


@pytest.fixture
def shared_quiz(make_quiz):
    """make_quiz's quiz with one question, published with `options` → its live release."""

    def make(**options):
        quiz = make_quiz("Shared", [TRUE_FALSE], options=options)
        return operations.publish_quiz(quiz)

    return make


# -- codes ---------------------------------------------------------------------------
def test_the_alphabet_has_no_character_read_for_another():
    assert len(set(sharing.ALPHABET)) == len(sharing.ALPHABET) == 31
    assert not set("01OIL") & set(sharing.ALPHABET)
    assert sharing.ALPHABET.upper() == sharing.ALPHABET
    assert len(sharing.ALPHABET) ** sharing.CODE_LENGTH > 2 * 10**10


def test_new_codes_are_well_formed_and_different():
    codes = {sharing.new_share_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(sharing.normalize_code(code) == code for code in codes)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ABCDEFG", "ABCDEFG"),
        ("abcdefg", "ABCDEFG"),
        (" abc-defg ", "ABCDEFG"),
        ("ab cd - ef g", "ABCDEFG"),
        ("ABC\tDEFG", "ABCDEFG"),
        ("ABCDEF", None),  # too short
        ("ABCDEFGH", None),  # too long
        ("ABCDEF0", None),  # 0 is not in the alphabet
        ("ABCDEFO", None),
        ("ABCDEF1", None),
        ("abcdefi", None),
        ("abcdefl", None),
        ("ABC_EFG", None),
        ("ABCDÉFG", None),
        ("", None),
        ("-" * 1000 + "ABCDEFG", None),
        (None, None),
        (1234567, None),
    ],
)
def test_normalize_code_reads_codes_as_learners_type_them(typed, code):
    assert sharing.normalize_code(typed) == code


def test_a_taken_code_is_drawn_again(monkeypatch, make_quiz):
    taken = make_quiz("Taken", [TRUE_FALSE])
    Quiz.objects.filter(pk=taken.pk).update(share_code="AAAAAAA")
    drawn = iter("AAAAAAA" + "BBBBBBB")
    monkeypatch.setattr(sharing.secrets, "choice", lambda alphabet: next(drawn))
    assert sharing.new_share_code() == "BBBBBBB"


def test_drawing_gives_up_when_every_code_drawn_is_taken(monkeypatch, make_quiz):
    taken = make_quiz("Taken", [TRUE_FALSE])
    Quiz.objects.filter(pk=taken.pk).update(share_code="AAAAAAA")
    monkeypatch.setattr(sharing.secrets, "choice", lambda alphabet: "A")
    with pytest.raises(RuntimeError):
        sharing.new_share_code()


def test_the_database_refuses_a_code_twice_but_any_number_of_quizzes_without_one(make_quiz):
    first, second, third = (make_quiz(title) for title in ("a", "b", "c"))
    assert first.share_code is second.share_code is third.share_code is None  # all stored
    Quiz.objects.filter(pk=first.pk).update(share_code="ABCDEFG")
    with pytest.raises(IntegrityError):
        Quiz.objects.filter(pk=second.pk).update(share_code="ABCDEFG")


def test_the_first_publication_gives_the_code_and_every_later_one_keeps_it(make_quiz, teacher):
    quiz = make_quiz("Shared", [TRUE_FALSE])
    assert quiz.share_code is None
    first = operations.publish_quiz(quiz)
    code = Quiz.objects.get(pk=quiz.pk).share_code
    assert sharing.normalize_code(code) == code == quiz.share_code == first.share_code
    operations.set_status(quiz, "draft")
    assert releases.live_release_by_code(code) is None
    operations.set_status(quiz, "published")
    again = operations.publish_quiz(quiz)  # "Publish changes"
    assert Quiz.objects.get(pk=quiz.pk).share_code == code
    assert releases.live_release_by_code(code) == again
    assert again.share_code == code
    copy = operations.duplicate_quiz(quiz, teacher)
    assert copy.share_code is None
    assert operations.publish_quiz(copy).share_code not in (None, code)


def test_a_quiz_created_published_has_a_code(make_quiz):
    quiz = make_quiz("At once", [TRUE_FALSE], status="published")
    release = releases.live_release(quiz)
    assert release.share_code == quiz.share_code is not None
    assert releases.live_release_by_code(quiz.share_code) == release


def test_an_unknown_code_has_no_release():
    assert releases.live_release_by_code("ABCDEFG") is None


def test_the_share_path_is_the_player_start():
    assert sharing.share_path("ABCDEFG") == "/q/ABCDEFG/"


def test_the_qr_code_is_an_svg_with_a_title():
    svg = sharing.qr_svg("https://quiz.example/q/ABCDEFG/?a=1&b=<2>")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>" in svg and "&amp;b=&lt;2&gt;" in svg and "<2>" not in svg
    document, content_type = sharing.qr_file("https://quiz.example/q/ABCDEFG/", "svg")
    assert content_type == "image/svg+xml" and document.startswith(b"<?xml")
    png, content_type = sharing.qr_file("https://quiz.example/q/ABCDEFG/", "png")
    assert content_type == "image/png" and png.startswith(b"\x89PNG")


# -- options ---------------------------------------------------------------------------
def test_options_are_stored_and_frozen_in_each_release(shared_quiz):
    opens = timezone.now().replace(microsecond=123456)
    release = shared_quiz(
        opens_at=opens.isoformat(),
        closes_at=(opens + timedelta(days=7)).isoformat(),
        access="signed_in",
        attempts_allowed=3,
        one_per_page=True,
        show_score=False,
        show_feedback=False,
        show_correct_answers=True,
    )
    options = releases.live_release(release.quiz_id).options
    assert options.opens_at == opens.replace(microsecond=123000)  # MongoDB's milliseconds
    assert options.closes_at - options.opens_at == timedelta(days=7)
    assert (options.access, options.attempts_allowed, options.one_per_page) == (
        "signed_in",
        3,
        True,
    )
    assert (options.show_score, options.show_feedback, options.show_correct_answers) == (
        False,
        False,
        True,
    )


@pytest.mark.parametrize("format_name", ["json", "gift", "moodlexml"])
def test_exports_carry_the_options_json_losslessly(shared_quiz, format_name):
    opens = timezone.now().replace(microsecond=0)
    options = {"opens_at": opens, "attempts_allowed": 2, "access": "signed_in"}
    release = shared_quiz(**options)
    quiz = Quiz.objects.get(pk=release.quiz_id)
    content, _type, _extension = formats.write(operations.quiz_data(quiz), format_name)
    (read,) = formats.parse(content, format_name).quizzes
    if format_name == "json":
        assert f'"opens_at": "{opens.isoformat()}"' in content.decode()
        assert {name: read["options"][name] for name in options} == options
        assert read["options"] == operations.quiz_data(quiz)["options"]


def test_option_defaults_let_anyone_in_at_any_time():
    options = clean_quiz({"title": "t"})["options"]
    assert options["opens_at"] is options["closes_at"] is options["attempts_allowed"] is None
    assert (options["access"], options["one_per_page"]) == ("link", False)
    assert (options["show_score"], options["show_feedback"]) == (True, True)
    assert options["show_correct_answers"] is False


def test_a_time_without_offset_is_in_the_current_time_zone(settings):
    settings.TIME_ZONE = "Europe/Paris"
    with timezone.override("Europe/Paris"):
        opens = clean_quiz({"title": "t", "options": {"opens_at": "2026-07-01T08:30"}})
    assert opens["options"]["opens_at"].isoformat() == "2026-07-01T08:30:00+02:00"


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"opens_at": "2026-09-02T08:00", "closes_at": "2026-09-01T08:00"}, "closes_at", "close"),
        ({"opens_at": "2026-09-01T08:00", "closes_at": "2026-09-01T08:00"}, "closes_at", "close"),
        ({"opens_at": "tomorrow"}, "opens_at", "date and time"),
        ({"opens_at": "2026-02-30T08:00"}, "opens_at", "date and time"),
        ({"closes_at": 1700000000}, "closes_at", "date and time"),
        ({"opens_at": True}, "opens_at", "date and time"),
        ({"access": "everyone"}, "access", "link, signed_in"),
        ({"attempts_allowed": 0}, "attempts_allowed", "1 to 100"),
        ({"attempts_allowed": 101}, "attempts_allowed", "1 to 100"),
        ({"attempts_allowed": 1.5}, "attempts_allowed", "whole number"),
        ({"one_per_page": "yes"}, "one_per_page", "yes or no"),
        ({"show_correct_answers": 1}, "show_correct_answers", "yes or no"),
    ],
)
def test_bad_options_are_refused_with_clear_messages(options, field, words):
    with pytest.raises(ValidationError) as refused:
        clean_quiz({"title": "t", "options": options})
    messages = refused.value.message_dict[f"options.{field}"]
    assert any(words in message for message in messages), messages


def test_a_refused_option_writes_nothing(make_quiz):
    quiz = make_quiz("Kept", [TRUE_FALSE])
    before = db_snapshot()
    bad = {"options": {"opens_at": "2026-09-02T08:00", "closes_at": "2026-09-01T08:00"}}
    with pytest.raises(ValidationError):
        operations.update_quiz(quiz, bad)
    assert db_snapshot() == before


# -- start rules ------------------------------------------------------------------------
def test_dates_open_and_close_the_quiz(shared_quiz):
    now = timezone.now()
    release = shared_quiz(
        opens_at=(now + timedelta(hours=1)).isoformat(),
        closes_at=(now + timedelta(hours=2)).isoformat(),
    )
    with pytest.raises(attempts.NotOpenYet) as refused:
        attempts.check_can_start(release, now=now)
    assert refused.value.code == "not_open_yet" and "not open yet" in str(refused.value)
    attempts.check_can_start(release, now=now + timedelta(minutes=90))
    with pytest.raises(attempts.Closed) as refused:
        attempts.check_can_start(release, now=now + timedelta(hours=2))
    assert refused.value.code == "closed"
    with pytest.raises(attempts.CannotStart):
        attempts.start_attempt(release, name="Ada")
    assert not Attempt.objects.exists()


def test_signed_in_only_refuses_anonymous_learners(shared_quiz, teacher):
    release = shared_quiz(access="signed_in")
    with pytest.raises(attempts.SignInRequired) as refused:
        attempts.check_can_start(release)
    assert refused.value.code == "sign_in_required"
    attempts.check_can_start(release, user=teacher)


def test_a_signed_in_learner_has_the_attempts_allowed(shared_quiz, teacher, other_teacher):
    release = shared_quiz(attempts_allowed=2)
    assert attempts.attempts_left(release, 0) == 2
    for _ in range(2):
        attempts.start_attempt(release, user=teacher)
    with pytest.raises(attempts.NoAttemptsLeft) as refused:
        attempts.start_attempt(release, user=teacher)
    assert refused.value.code == "no_attempts_left"
    # Counted per learner, across releases; the previous_attempts of a caller are ignored.
    attempts.check_can_start(release, user=other_teacher, previous_attempts=5)
    republished = operations.publish_quiz(release.quiz)
    with pytest.raises(attempts.NoAttemptsLeft):
        attempts.check_can_start(republished, user=teacher)
    assert Attempt.objects.filter(user=teacher).count() == 2


def test_a_signed_in_learner_is_counted_from_the_index_alone(shared_quiz, teacher):
    release = shared_quiz(attempts_allowed=5)
    attempts.start_attempt(release, user=teacher)
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        attempts.check_can_start(release, user=teacher)
    ((name, command),) = recorder.commands
    explained = connection.database.command(
        "explain", {name: command[name], "pipeline": command["pipeline"], "cursor": {}}
    )
    plan = str(explained["stages"][0]["$cursor"]["queryPlanner"]["winningPlan"])
    assert "'stage': 'COUNT_SCAN'" in plan and "'indexName': 'attempt_quiz_user'" in plan


def test_an_anonymous_learner_is_counted_by_the_caller(shared_quiz):
    release = shared_quiz(attempts_allowed=1)
    attempts.start_attempt(release, name="Ada", previous_attempts=0)
    with pytest.raises(attempts.NoAttemptsLeft):
        attempts.start_attempt(release, name="Ada", previous_attempts=1)
    assert attempts.attempts_left(release, 1) == 0
    assert attempts.attempts_left(release, 7) == 0


def test_unlimited_attempts(shared_quiz, teacher):
    release = shared_quiz()
    assert attempts.attempts_left(release, 1000) is None
    for _ in range(3):
        attempts.start_attempt(release, user=teacher)
    attempts.check_can_start(release, user=teacher, previous_attempts=1000)
