"""The learner player: the start page of a shared quiz, then the pages of an attempt."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from quizzes import releases


@require_http_methods(["GET", "POST"])
def start(request, code):
    """The start page of the quiz shared as `code` (a 404 when nothing live has it)."""
    release = releases.live_release_by_code(code)
    if release is None:
        raise Http404
    return render(request, "quizzes/player/start.html", {"release": release})
