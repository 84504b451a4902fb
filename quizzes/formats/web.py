"""Files over HTTP, shared by the teacher UI and the API: the upload limit, imports,
downloads.

`settings.OPENQUIZZ_IMPORT_MAX_BYTES` (default 20 MiB) caps an imported
file; above it nothing is parsed and the answer is a 413. Imports go through
`quizzes.formats.store.import_file`, as the command's do: a view that imports
must be `@non_transactional` so that a large file is staged in batches (each
its own transaction on the request's session) and made visible at the end.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from quizzes.formats import file_name, write, write_warnings
from quizzes.formats.store import import_file
from quizzes.operations import quiz_data

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# The header of an export that left something behind (GIFT: the images stay on the site).
EXPORT_WARNING = "OpenQuizz-Export-Warning"


def max_bytes():
    return getattr(settings, "OPENQUIZZ_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


class UploadTooLarge(Exception):
    """An uploaded file over the import limit; the message gives both sizes."""

    def __init__(self, size):
        super().__init__(
            _("This file is %(size)s; the largest file you can import is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )


def import_upload(owner, uploaded, format="auto", strict=False, **options):
    """The Imported of an uploaded file (`options`: those of import_file: dry_run, keep,
    bank_only); UploadTooLarge or FormatError when it cannot be imported."""
    if uploaded.size > max_bytes():
        raise UploadTooLarge(uploaded.size)
    uploaded.seek(0)
    return import_file(
        owner, uploaded.file, format=format, filename=uploaded.name, strict=strict, **options
    )


def download(quiz, format, request=None, notify=False):
    """An attachment response holding `quiz` in `format`, named after its title.

    With the `request`, a format that cannot carry files links to them on its host,
    and says so in the header EXPORT_WARNING (and, when `notify`, in a message for the
    teacher's next page).
    """
    data = quiz_data(quiz)
    base_url = None if request is None else request.build_absolute_uri("/")
    content, content_type, extension = write(data, format, base_url, quiz.owner)
    response = HttpResponse(content, content_type=content_type)
    warnings = write_warnings(data, format)
    if warnings and request is not None:
        for warning in warnings if notify else ():
            messages.warning(request, warning)
        response[EXPORT_WARNING] = " ".join(warnings).encode("ascii", "replace").decode()
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=file_name(quiz.title, extension)
    )
    return response
