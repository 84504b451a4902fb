"""Import quizzes from a file, download a quiz as a file: the teachers' side.

Import is two steps. The upload is read and shown as a preview (quizzes,
questions by type, the questions with what the import report says of each,
what will be left out); nothing is written. The preview page carries
the file itself in a signed, compressed hidden field, so that confirming
imports exactly what was previewed without uploading it again; the
signature binds it to the teacher and expires after PREVIEW_MAX_AGE. A file
too large to carry through a page (over the form size Django accepts) can
still be imported at once with "Import now". Importing goes through
quizzes.formats.store as the command does: the questions go into the
teacher's bank under the file's categories, and the file becomes a draft
quiz unless it has more questions than a quiz holds. The importing views are
non-transactional so that a large file is staged in batches, each its own
transaction, and becomes visible at the end; a refused or failed file
leaves nothing visible.
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
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes.formats import FORMATS, FormatError
from quizzes.formats.store import import_file
from quizzes.formats.web import UploadTooLarge, download, import_upload, max_bytes
from quizzes.models import QuestionType
from quizzes.views.access import get_quiz
from quizzes.views.common import success
from sessions_mw import on_commit
from sessions_mw.decorators import non_transactional, request_timeout

PREVIEW_SALT = "quizzes.views.transfer.preview"
PREVIEW_MAX_AGE = 60 * 60
# Room left in a form post for the CSRF token and the other fields.
FORM_MARGIN = 16 * 1024
# Questions listed in a preview (those with notes are listed whatever their number).
PREVIEW_ROWS = 200


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
    bank_only = forms.BooleanField(
        label=gettext_lazy("Put the questions into the question bank only, without a quiz"),
        required=False,
    )


def show_form(request, form, status=200):
    context = {"form": form, "max_bytes": max_bytes(), "formats": FORMATS.values()}
    return render(request, "quizzes/transfer/import_form.html", context, status=status)


def sign_preview(request, format_name, data, filename, strict, bank_only):
    """The signed hidden field carrying a previewed file, or None when it is too large."""
    packed = base64.b64encode(zlib.compress(data, 9)).decode("ascii")
    value = signing.dumps(
        {"user": str(request.user.pk), "name": filename, "format": format_name,
         "strict": strict, "bank_only": bank_only, "data": packed},
        salt=PREVIEW_SALT,
    )  # fmt: skip
    return value if len(value) + FORM_MARGIN <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE else None


def unsign_preview(request, value):
    """(data, filename, format, strict, bank_only) of a signed preview; signing.BadSignature
    if forged, expired (SignatureExpired) or another user's."""
    preview = signing.loads(value, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    if preview["user"] != str(request.user.pk):
        raise signing.BadSignature("another user's preview")
    data = zlib.decompress(base64.b64decode(preview["data"]))
    return data, preview["name"], preview["format"], preview["strict"], preview["bank_only"]


def bank_page():
    try:
        return reverse("bank")
    except NoReverseMatch:
        return reverse("dashboard")


def import_and_redirect(request, imported):
    """Say what was imported; go to the quiz (the dashboard when there are several, the
    bank when the file went into the bank only)."""
    quizzes = imported.quizzes
    if quizzes:
        success(
            request,
            ngettext(
                "Imported “%(title)s” with %(count)s questions.",
                "Imported %(quizzes)s quizzes with %(count)s questions.",
                len(quizzes),
            )
            % {"title": quizzes[0].title, "quizzes": len(quizzes), "count": imported.questions},
        )
    else:
        success(
            request,
            ngettext(
                "Imported %(count)s question into your question bank.",
                "Imported %(count)s questions into your question bank.",
                imported.questions,
            )
            % {"count": imported.questions},
        )
    for message in imported.bank_only:
        on_commit(lambda message=message: messages.warning(request, message))
    if len(quizzes) == 1:
        return redirect("quiz_editor", quizzes[0].pk)
    return redirect(bank_page() if not quizzes else "dashboard")


def preview_context(imported, filename, payload, bank_only=False):
    result = imported.result
    shown = sum(1 for question, *_rest in imported.rows if question is not None)
    return {
        "result": result,
        "imported": imported,
        "filename": filename,
        "format": FORMATS[result.format],
        "quizzes": [
            (quiz["title"], len(quiz["questions"]) or imported.questions) for quiz in result.quizzes
        ],
        "types": [
            (QuestionType(qtype).label, count) for qtype, count in imported.types.most_common()
        ],
        "type_labels": dict(QuestionType.choices),
        "skipped": result.skipped.most_common(),
        "rows": imported.rows,
        "more": imported.questions - shown,
        "payload": payload,
        "bank_only": bank_only,
    }


@login_required
@require_http_methods(["GET", "POST"])
@non_transactional
@request_timeout(None)  # a large file: batches in one request; each bounded by the client
def preview_import(request):
    """GET: the upload form. POST: show what the file holds, writing nothing (import_previewed
    imports it once confirmed), or with "Import now" import it at once."""
    if request.method == "GET":
        return show_form(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return show_form(request, form, status=400)
    upload, strict = form.cleaned_data["file"], form.cleaned_data["strict"]
    bank_only = form.cleaned_data["bank_only"]
    import_now = "import_now" in request.POST
    try:
        imported = import_upload(
            request.user,
            upload,
            form.cleaned_data["format"] or "auto",
            strict,
            dry_run=not import_now,
            keep=PREVIEW_ROWS,
            bank_only=bank_only,
        )
    except UploadTooLarge as error:
        messages.error(request, str(error))
        return show_form(request, ImportForm(initial=form.cleaned_data), status=413)
    except FormatError as error:
        form.add_error("file", _("%(file)s: %(error)s") % {"file": upload.name, "error": error})
        return show_form(request, form, status=400)
    if import_now:
        return import_and_redirect(request, imported)
    upload.seek(0)
    payload = sign_preview(
        request, imported.result.format, upload.read(), upload.name, strict, bank_only
    )
    return render(
        request,
        "quizzes/transfer/import_preview.html",
        preview_context(imported, upload.name, payload, bank_only),
    )


@login_required
@require_POST
@non_transactional
@request_timeout(None)  # as preview_import
def import_previewed(request):
    """Import the file of a preview the teacher confirmed, carried back in its signed field."""
    try:
        data, filename, format_name, strict, bank_only = unsign_preview(
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
    # The file was read when it was previewed and the signature proves it is that file:
    # anything raised now is a bug, not an expired preview.
    imported = import_file(
        request.user,
        data,
        format=format_name,
        filename=filename,
        strict=strict,
        bank_only=bank_only,
    )
    return import_and_redirect(request, imported)


@login_required
@require_GET
def export_quiz(request, quiz_id, format_name):
    quiz = get_quiz(request.user, quiz_id)
    if format_name not in FORMATS:
        raise Http404
    return download(quiz, format_name, request, notify=True)
