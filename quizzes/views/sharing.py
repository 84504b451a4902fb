"""Sharing a published quiz: the editor's share panel, its QR code as a file, and /join/.

A quiz's share link is the player's start page, /q/<code>/ (quizzes.sharing).
Learners who were given only the code type it at /join/, which sends them
there. The QR code download is its owner's (staff too), as the editor.
"""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from quizzes import releases, sharing
from quizzes.formats import file_name
from quizzes.views.access import get_quiz

QR_KINDS = ("svg", "png")
NO_SUCH_CODE = _("No quiz is open with this code. Check the code and try again.")


def share_panel(request, quiz):
    """What the editor's share panel shows of a quiz that has a share code: its code,
    its link and the QR code of the link (inline SVG); None before its first publication."""
    if quiz.share_code is None:
        return None
    url = sharing.share_url(request, quiz.share_code)
    return {
        "code": quiz.share_code,
        "url": url,
        # Made by segno from our own URL, its title escaped by segno: no user markup.
        "qr_svg": mark_safe(sharing.qr_svg(url)),  # noqa: S308
    }


@require_GET
def quiz_qr_code(request, quiz_id, kind):
    """The QR code of the quiz's share link as a file to download (its owner's only)."""
    if not request.user.is_authenticated:
        raise Http404
    quiz = get_quiz(request.user, quiz_id)
    if quiz.share_code is None or kind not in QR_KINDS:
        raise Http404
    content, content_type = sharing.qr_file(sharing.share_url(request, quiz.share_code), kind)
    name = file_name(_("%(title)s QR code") % {"title": quiz.title}, f".{kind}")
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Quiz code"),
        max_length=sharing.TYPED_MAX,
        help_text=_("The code your teacher gave you, such as 7KX-4PQR (any case)."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


@require_http_methods(["GET", "POST"])
def join(request):
    """A form taking a quiz's code; a code of a published quiz goes to its start page.

    An unknown code shows the form again with the error (status 200, the field
    marked invalid): learners mistype codes, the page is the same one to correct it.
    """
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = sharing.normalize_code(form.cleaned_data["code"])
        if code is not None and releases.live_release_by_code(code) is not None:
            return redirect(sharing.share_path(code))
        form.add_error("code", NO_SUCH_CODE)
    return render(request, "quizzes/join.html", {"form": form})
