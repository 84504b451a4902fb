"""Import quizzes from a file, download a quiz as a file: the teachers' side.

Import is two steps. The upload is parsed and shown as a preview (quizzes,
questions by type, warnings); nothing is written. The preview page carries
the file itself in a signed, compressed hidden field, so that confirming
imports exactly what was previewed without uploading it again; the
signature binds it to the teacher and expires after PREVIEW_MAX_AGE. A file
too large to carry through a page (over the form size Django accepts) can
still be imported at once with "Import now". Every refusal answers >= 400,
so the request's transaction writes nothing.
"""

import base64
import zlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes.formats import FORMATS, FormatError, parse
from quizzes.formats.store import create_quizzes
from quizzes.formats.web import UploadTooLarge, download, max_bytes, parse_upload
from quizzes.models import QuestionType
from quizzes.views.access import get_quiz
from quizzes.views.common import success

PREVIEW_SALT = "quizzes.views.transfer.preview"
PREVIEW_MAX_AGE = 60 * 60
# Room left in a form post for the CSRF token and the other fields.
FORM_MARGIN = 16 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("auto", gettext_lazy("Detect from the file")),
            *((fmt.name, fmt.label) for fmt in FORMATS.values()),
        ],
        initial="auto",
        required=False,
    )
    strict = forms.BooleanField(
        label=gettext_lazy("Refuse the file if it has questions of types OpenQuizz does not have"),
        required=False,
    )


def show_form(request, form, status=200):
    context = {"form": form, "max_bytes": max_bytes(), "formats": FORMATS.values()}
    return render(request, "quizzes/transfer/import_form.html", context, status=status)


def sign_preview(request, result, data, filename, strict):
    """The signed hidden field carrying a previewed file, or None when it is too large."""
    packed = base64.b64encode(zlib.compress(data, 9)).decode("ascii")
    value = signing.dumps(
        {"user": str(request.user.pk), "name": filename, "format": result.format,
         "strict": strict, "data": packed},
        salt=PREVIEW_SALT,
    )  # fmt: skip
    return value if len(value) + FORM_MARGIN <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE else None


def unsign_preview(request, value):
    """(data, filename, format, strict) of a signed preview; signing.BadSignature if forged,
    expired (SignatureExpired) or another user's."""
    preview = signing.loads(value, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    if preview["user"] != str(request.user.pk):
        raise signing.BadSignature("another user's preview")
    data = zlib.decompress(base64.b64decode(preview["data"]))
    return data, preview["name"], preview["format"], preview["strict"]


def import_and_redirect(request, result):
    """Create the parsed quizzes; go to the quiz (or the dashboard when there are several)."""
    quizzes = create_quizzes(request.user, result.quizzes, result.categories)
    success(
        request,
        ngettext(
            "Imported “%(title)s” with %(count)s questions.",
            "Imported %(quizzes)s quizzes with %(count)s questions.",
            len(quizzes),
        )
        % {"title": quizzes[0].title, "quizzes": len(quizzes), "count": result.question_count},
    )
    if len(quizzes) == 1:
        return redirect("quiz_editor", quizzes[0].pk)
    return redirect("dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def preview_import(request):
    """GET: the upload form. POST: show what the file holds, writing nothing (import_previewed
    imports it once confirmed), or with "Import now" import it at once."""
    if request.method == "GET":
        return show_form(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return show_form(request, form, status=400)
    upload, strict = form.cleaned_data["file"], form.cleaned_data["strict"]
    try:
        result = parse_upload(upload, form.cleaned_data["format"] or "auto", strict)
    except UploadTooLarge as error:
        messages.error(request, str(error))
        return show_form(request, ImportForm(initial=form.cleaned_data), status=413)
    except FormatError as error:
        form.add_error("file", _("%(file)s: %(error)s") % {"file": upload.name, "error": error})
        return show_form(request, form, status=400)
    if "import_now" in request.POST:
        return import_and_redirect(request, result)
    upload.seek(0)
    context = {
        "result": result,
        "filename": upload.name,
        "format": FORMATS[result.format],
        "types": [(QuestionType(qtype).label, count) for qtype, count in result.types()],
        "skipped": result.skipped.most_common(),
        "payload": sign_preview(request, result, upload.read(), upload.name, strict),
    }
    return render(request, "quizzes/transfer/import_preview.html", context)


@login_required
@require_POST
def import_previewed(request):
    """Import the file of a preview the teacher confirmed, carried back in its signed field."""
    try:
        data, filename, format_name, strict = unsign_preview(
            request, request.POST.get("payload", "")
        )
    except signing.BadSignature:  # SignatureExpired is one too
        messages.error(
            request,
            _(
                "This preview has expired or was altered: nothing was imported. Upload the file again."
            ),
        )
        return show_form(request, ImportForm(), status=400)
    # The file parsed when it was previewed and the signature proves it is that file:
    # anything raised now is a bug, not an expired preview.
    result = parse(data, format=format_name, filename=filename, strict=strict)
    return import_and_redirect(request, result)


@login_required
@require_GET
def export_quiz(request, quiz_id, format_name):
    quiz = get_quiz(request.user, quiz_id)
    if format_name not in FORMATS:
        raise Http404
    return download(quiz, format_name)
