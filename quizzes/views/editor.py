"""The quiz editor page: a quiz, one page of its questions, and its totals.

A quiz may hold up to 2,000 questions: the editor shows PAGE_SIZE of them a page
(`?page=`, plain links, so it works without JavaScript) and reads only those,
so the page costs the same commands and about the same time for a quiz of 1
question or 1,000. What it says of the whole quiz (how many questions, how
many points, whether it has unpublished changes) comes from the quiz document
and one $group over its questions (quizzes.operations.fixed_summary).
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from quizzes import documents, operations
from quizzes.access import EDITOR, editor_quiz, may
from quizzes.forms import with_version
from quizzes.models import Category, QuizStatus, Release
from quizzes.qtypes import registry
from quizzes.views.bank_forms import RandomSlotForm
from quizzes.views.sharing import share_panel

PAGE_SIZE = 25


def page_of(position):
    """The editor's page number (1-based) showing the question at 0-based `position`."""
    return position // PAGE_SIZE + 1


def editor_url(quiz, question_id=None, target=None):
    """The quiz editor; at the page of the fixed question `question_id` and scrolled
    to it when given (a question no longer in the quiz: the first page), or to the
    element of that page whose id is `target` (which the browser focuses: a button)."""
    url = reverse("quiz_editor", args=[quiz.pk])
    if question_id is None:
        return url
    ids = [str(slot.question) for slot in operations.fixed_slots(quiz)]
    page = page_of(ids.index(str(question_id))) if str(question_id) in ids else 1
    query = f"?page={page}" if page > 1 else ""
    return f"{url}{query}#{target or f'question-{question_id}'}"


# What the editor shows of a live release, and what `unpublished_changes` compares.
RELEASE_FIELDS = ("number", "published_at", "quiz_version", "versions")


def live_release(quiz):
    """The live release of `quiz`, or None, in one find of RELEASE_FIELDS only (the
    others deferred). A release holds every question twice over (what learners
    see, the answer key): megabytes for 1,000 questions, 60 ms to read whole."""
    document = documents.find_one(
        Release, {"quiz_id": quiz.pk, "live": True}, dict.fromkeys(RELEASE_FIELDS, 1)
    )
    others = {field.attname for field in Release._meta.concrete_fields} - {"id", *RELEASE_FIELDS}
    return document and documents.instance(Release, document, deferred=others)


def render_editor(request, quiz_id, status=200, form=None):
    """The editor page of quiz `quiz_id` (Http404 if the user may not see it) at the
    page of questions `?page=` asks for (no number: the first page, a number out
    of range: the last, as Django's Paginator.get_page), read fresh from the
    database; `form` is a refused RandomSlotForm to show again with its errors."""
    quiz = editor_quiz(request.user, quiz_id)
    if quiz.owner_id == request.user.pk:
        quiz.owner = request.user  # most often who asks: no query for the owner
    ids = [slot.question for slot in operations.fixed_slots(quiz)]
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    start = (page.number - 1) * PAGE_SIZE
    questions = operations.quiz_questions(quiz, start, start + PAGE_SIZE)
    categories = Category.objects.in_bulk(
        {question.category_id for question in questions} | {quiz.category} - {None}
    )
    for question in questions:
        question.bank_category = categories.get(question.category_id)
    total_points, versions = operations.fixed_summary(quiz)
    release = live_release(quiz) if quiz.status == QuizStatus.PUBLISHED else None
    random_form = RandomSlotForm(quiz.owner, initial={"version": quiz.version})
    if isinstance(form, RandomSlotForm):
        form.data = with_version(form.data, quiz.version)
        random_form = form
    context = {
        "quiz": quiz,
        "read_only": quiz.status == QuizStatus.ARCHIVED or not may(quiz, EDITOR),
        "release": release,
        "unpublished_changes": release is not None
        and operations.unpublished_changes(quiz, release, versions),
        "questions": questions,
        "page": page,
        # Forms of the page post here with it, so that a refusal shows the same page.
        "page_query": f"?page={page.number}" if page.number > 1 else "",
        "page_links": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "random_slots": operations.random_slots(quiz),
        "quiz_category": categories.get(quiz.category),
        "random_form": random_form if random_form.fields["category"].choices else None,
        "total_points": total_points,
        "share": share_panel(request, quiz) if release is not None else None,
        "question_types": [
            (qtype.name, qtype.label, qtype.summary) for qtype in registry.TYPES.values()
        ],
    }
    return render(request, "quizzes/quiz_editor.html", context, status=status)
