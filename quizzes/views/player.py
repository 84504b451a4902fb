"""The learner player: a shared quiz's start page, then the pages of an attempt at it
(its questions, a review, the result). Works without JavaScript; static/js/player.js
saves as the learner answers and shows the countdown.

/q/<code>/ finds the live release by its share code. An attempt's pages are
/q/<code>/a/<attempt id>/... (the attempt's public id: its quiz's id, then its
own). A signed-in learner's attempt is theirs alone; an anonymous learner's
needs its resume cookie (quizzes.player). Anything else is a 404, as for an
attempt that does not exist.

Like the attempts API, these views run outside any request transaction: each
write is one conditional update or insert of the attempt's own document
(quizzes.attempts), so learners of one quiz never contend. The deadline is the
server's: a page asked for past it grades the attempt with what was saved and
shows the result.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import attempts, player, releases, scoring, sharing
from quizzes.learner import LearnerQuestion
from quizzes.models import Quiz
from sessions_mw.decorators import non_transactional


# -- finding things ----------------------------------------------------------------------------
def live_release(code):
    release = releases.live_release_by_code(code)
    if release is None:
        raise Http404
    return release


def learner(request):
    """The signed-in user taking a quiz, or None for an anonymous learner."""
    return request.user if request.user.is_authenticated else None


def get_attempt(request, code, key, answer_key=True):
    """The attempt `key` at the quiz shared as `code`, with its own release, if this
    request may use it; else 404. Two reads: the live release, the attempt (a third
    only when the attempt is on an older release of the quiz). A quiz unpublished
    since still lets its learners finish and read their attempts (the API does too).
    `answer_key=False`: a page that grades nothing (releases.live_release_by_code)."""
    release = releases.live_release_by_code(code, answer_key)
    quiz_id, attempt_id = player.split_key(key)
    if release is None:
        if not Quiz.objects.filter(pk=quiz_id, share_code=code).exists():
            raise Http404
    elif quiz_id != release.quiz_id:
        raise Http404
    attempt = attempts.find_attempt(
        quiz_id,
        attempt_id,
        user=learner(request),
        token=player.resume_token(request, key),
        release=release,
    )
    if attempt is None:
        raise Http404
    attempt.code, attempt.key, attempt.live_release = code, key, release
    return attempt


def page_url(attempt, name, **query):
    url = reverse(f"player:{name}", args=[attempt.code, attempt.key])
    return f"{url}?{urlencode(query)}" if query else url


def questions_of(attempt):
    """[(question id, learner payload)] of the attempt, in its order."""
    return [(view["id"], view) for view in attempts.learner_questions(attempt)]


def shown(attempt, page, responses, problems=None):
    """The LearnerQuestions of one page, with `responses` and their `problems`."""
    problems = problems or {}
    return [
        LearnerQuestion(
            number,
            question_id,
            view,
            responses.get(question_id),
            shuffle=player.shuffler(attempt, question_id),
            problem=problems.get(question_id),
        )
        for number, (question_id, view) in page.questions
    ]


def closed(attempt):
    """Where to send the learner of an attempt that takes no more responses: its
    result (graded as submitted first when its time is up); None while it is open."""
    if attempts.settle(attempt).state == attempts.State.SUBMITTED:
        return redirect(page_url(attempt, "result"), permanent=False)
    return None


def refusal(release, user, previous):
    """Why `user` (None: anonymous, with `previous` attempts) may not start an
    attempt at `release` now, or None when they may."""
    try:
        attempts.check_can_start(release, user, previous)
    except attempts.CannotStart as refused:
        return refused.message
    return None


# -- the start page ---------------------------------------------------------------------------
@non_transactional  # the attempt is one insert of its own document (quizzes.attempts)
@require_http_methods(["GET", "POST"])
def start(request, code):
    """GET: what the quiz is, whether this learner may start it (and how many attempts
    they have left), and a way back to an attempt this browser has in progress.
    POST: start an attempt (an anonymous learner gives a name) and go to its questions."""
    normal = sharing.normalize_code(code)
    if normal is None:
        raise Http404
    if normal != code:
        return redirect("player:start", code=normal)
    release = live_release(code)
    user = learner(request)
    held = {} if user else player.browser_attempts(request)
    previous = len(held) if user is None else player.user_attempts(release, user)
    error = name_error = None
    status = 200
    if request.method == "POST":
        try:
            attempt = attempts.start_attempt(
                release,
                user=user,
                name=request.POST.get("name", ""),
                previous_attempts=previous,
            )
        except attempts.CannotStart as refused:
            error, status = refused.message, 403
        except ValidationError as invalid:
            name_error, status = invalid.message_dict["name"][0], 400
        else:
            attempt.code, attempt.key = code, attempts.public_id(attempt)
            response = redirect(page_url(attempt, "question"), permanent=False)
            response.status_code = 303
            if user is None:
                player.set_resume_cookie(response, code, attempt)
            return response
    else:
        error = refusal(release, user, previous)
    in_progress = player.in_progress(release, user, held)
    context = {
        "release": release,
        "code": code,
        "error": error,
        "name_error": name_error,
        "name": request.POST.get("name", ""),
        "sign_in": release.options.access == "signed_in" and user is None,
        "attempts_left": attempts.attempts_left(release, previous),
        "resume": in_progress
        and reverse("player:question", args=[code, attempts.public_id(in_progress)]),
    }
    return render(request, "quizzes/player/start.html", context, status=status)


# -- the questions -----------------------------------------------------------------------------
@non_transactional  # saves are one conditional update of the attempt (quizzes.attempts)
@require_http_methods(["GET", "POST"])
def question(request, code, key):
    """GET: one page of the attempt's questions (`?page=N` when the quiz shows one per
    page) with the responses saved. POST: save the page's responses, then go where
    the button pressed says (`go`: previous, next, review or finish, which submits:
    the countdown's way at the deadline); a response that cannot be saved shows
    the page again with why (400), the others being saved."""
    attempt = get_attempt(request, code, key, answer_key=request.method == "POST")
    if (gone := closed(attempt)) is not None:
        return gone
    if request.method == "GET":
        book, page = paged(attempt, request.GET.get("page"))
        return render_page(request, attempt, book, page, attempt.answers)
    book, page = paged(attempt, request.POST.get("page"))
    try:
        read, problems = save_posted(request, attempt, page)
    except attempts.AttemptClosed:
        return see_other(page_url(attempt, "result"))
    if problems:
        return render_page(request, attempt, book, page, read, problems, status=400)
    go = request.POST.get("go")
    if go == "finish":
        attempts.submit(attempt)
        return see_other(page_url(attempt, "result"))
    if go == "review":
        return see_other(page_url(attempt, "review"))
    step = {"previous": -1, "next": 1}.get(go, 0)
    number = min(max(page.number + step, 1), len(book))
    return see_other(page_url(attempt, "question", page=number))


def paged(attempt, asked):
    """(the attempt's pages, the page `asked` for: a ?page= or posted value)."""
    book = player.pages(questions_of(attempt), attempt.release.options.one_per_page)
    return book, book[player.page_number(asked, len(book)) - 1]


def save_posted(request, attempt, page):
    """Save the responses posted for `page` but those that cannot be saved; returns
    (responses read, {question id: why not saved}). Raises AttemptClosed once the
    attempt takes no more responses (nothing is saved then)."""
    read, problems = player.read_page(request.POST, page.questions, attempts.answer_keys(attempt))
    valid = {key: value for key, value in read.items() if key not in problems}
    if valid:
        attempts.save_responses(attempt, valid)
    else:
        attempts.check_open(attempt)
    return read, problems


def see_other(url):
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def render_page(request, attempt, book, page, responses, problems=None, status=200):
    context = {
        "attempt": attempt,
        "release": attempt.release,
        "page": page,
        "pages": len(book),
        "items": shown(attempt, page, responses, problems),
        "problems": len(problems or ()),
        "save_url": page_url(attempt, "save"),
        "result_url": page_url(attempt, "result"),
    }
    return render(request, "quizzes/player/question.html", context, status=status)


@non_transactional
@require_POST
def save_page(request, code, key):
    """Save the responses of one page (`page`) as the learner answers (player.js): 204,
    or 400 with {"problems": {question id: why}} for those not saved (the others
    are), or 409 with {"location": the result} once the attempt takes no more."""
    attempt = get_attempt(request, code, key)
    _book, page = paged(attempt, request.POST.get("page"))
    try:
        _read, problems = save_posted(request, attempt, page)
    except attempts.AttemptClosed as refusal:
        return JsonResponse(
            {"detail": str(refusal), "location": page_url(attempt, "result")}, status=409
        )
    if problems:
        return JsonResponse({"problems": problems}, status=400)
    return HttpResponse(status=204)


# -- review, submit, result -------------------------------------------------------------------
@non_transactional  # past the deadline, settling is one update of the attempt
@require_GET
def review(request, code, key):
    """Every question, answered or not, with a link to its page; the Submit button."""
    attempt = get_attempt(request, code, key, answer_key=False)
    if (gone := closed(attempt)) is not None:
        return gone
    book, _page = paged(attempt, None)
    rows = [
        {
            "number": number,
            "answered": player.answered(view, attempt.answers.get(question_id)),
            "url": page_url(attempt, "question", page=page.number) + f"#q-{question_id}-title",
        }
        for page in book
        for number, (question_id, view) in page.questions
        if number is not None
    ]
    context = {
        "attempt": attempt,
        "release": attempt.release,
        "rows": rows,
        "unanswered": sum(not row["answered"] for row in rows),
        "back_url": page_url(attempt, "question", page=len(book)),
    }
    return render(request, "quizzes/player/review.html", context)


@non_transactional  # one conditional update of the attempt (quizzes.attempts.submit)
@require_POST
def submit(request, code, key):
    """Grade what was saved (by the deadline, when it has passed) and show the result."""
    attempt = attempts.submit(get_attempt(request, code, key))
    attempt.code, attempt.key = code, key
    return see_other(page_url(attempt, "result"))


@non_transactional  # past the deadline, settling is one update of the attempt
@require_GET
def result(request, code, key):
    """The submitted attempt: its score, each question's feedback and the right answers,
    each as far as the quiz shows them."""
    found = get_attempt(request, code, key)
    attempt = attempts.settle(found)
    if attempt.state != attempts.State.SUBMITTED:
        return redirect(page_url(found, "question"))
    options = attempt.release.options
    graded = attempts.grade(attempt)
    grades = {question_id: grade for question_id, _response, grade in graded.results}
    items = []
    if options.show_feedback or options.show_correct_answers:
        items = [
            LearnerQuestion(
                number,
                question_id,
                view,
                attempt.answers.get(question_id),
                grades[question_id],
                shuffle=player.shuffler(attempt, question_id),
            )
            for page in player.pages(questions_of(attempt), False)
            for number, (question_id, view) in page.questions
        ]
    user = learner(request)
    previous = 0 if user else len(player.browser_attempts(request))
    context = {
        "attempt": attempt,
        "release": attempt.release,
        "code": code,
        "graded": graded,
        "items": items,
        "hide": {
            "score": not options.show_score,
            "feedback": not options.show_feedback,
            "answers": not options.show_correct_answers,
        },
        "needs_grading": any(
            grade.state == scoring.NEEDS_GRADING for _id, _response, grade in graded.results
        ),
        "timed_out": attempt.deadline is not None and attempt.submitted_at >= attempt.deadline,
        "again": found.live_release is not None
        and refusal(found.live_release, user, previous) is None,
    }
    return render(request, "quizzes/player/result.html", context)
