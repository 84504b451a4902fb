"""Images put into a Markdown text by a plain form post (the editors without JavaScript).

Every Markdown field of the editors comes with a file input named
`<field>__image` and an alt text input `<field>__image_alt` (`<field>` being
the field's HTML name, prefix included). On saving, `attach_images` stores
each chosen file (quizzes.media.store, in the request's transaction) and
appends `![alt](url)` to that field's text; a refused file or a missing alt
text is an error on that field, and the view then answers 400, which aborts
the request's transaction: nothing is saved (sessions_mw ABORT_ON_STATUS).
With JavaScript, the editor's "Insert image" dialog uploads to /media/upload/
and inserts the same Markdown at the caret (static/js/app.js).
"""

import re

from django.utils.translation import gettext as _

from quizzes import media

IMAGE_SUFFIX = "__image"
ALT_SUFFIX = "__image_alt"
# The first Markdown image of a text that shows a stored file: (alt, URL).
MEDIA_IMAGE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\((/media/[0-9a-f]{64}/[^)\s]+)\)")


def image_markdown(alt, url):
    """The Markdown showing the image at `url` described by `alt` (one line, brackets escaped)."""
    alt = re.sub(r"([\\\[\]])", r"\\\1", " ".join(alt.split()))
    return f"![{alt}]({url})"


def first_image(text):
    """(alt, URL) of the first stored image `text` shows in Markdown, or None."""
    found = MEDIA_IMAGE.search(text or "")
    if found is None:
        return None
    return re.sub(r"\\(.)", r"\1", found[1]), found[2]


def attach_images(owner, data, files):
    """(a copy of `data` with each file of `files` stored as `owner`'s and shown at the
    end of its field's text, {field HTML name: [error messages]}).

    `data` and `files` are a request's POST and FILES; errors leave the text as it was.
    """
    data = data.copy()
    errors = {}
    for key in files:
        if not key.endswith(IMAGE_SUFFIX):
            continue
        field = key.removesuffix(IMAGE_SUFFIX)
        upload = files[key]
        alt = data.get(field + ALT_SUFFIX, "").strip()
        if not alt:
            errors[field] = [
                _("Give the image's alt text: it describes the image to who cannot see it.")
            ]
            continue
        try:
            stored = media.store(owner, upload.name, upload.read())
        except media.MediaRefused as refused:
            errors[field] = [refused.message]
            continue
        text = data.get(field, "").rstrip()
        data[field] = (
            f"{text}\n\n{image_markdown(alt, stored.url)}"
            if text
            else image_markdown(alt, stored.url)
        )
        data[field + ALT_SUFFIX] = ""
    return data, errors


def show_image_errors(forms, errors):
    """Put `errors` ({field HTML name: messages}, from attach_images) on the fields of
    `forms` (validated forms) they name."""
    for form in forms:
        for name in form.fields:
            for message in errors.get(form.add_prefix(name), ()):
                form.add_error(name, message)


def bound_with_images(request, form_class):
    """`form_class` bound to the request's POST with its images attached (attach_images),
    any image error already on it (so it is not valid)."""
    data, errors = attach_images(request.user, request.POST, request.FILES)
    form = form_class(data)
    if errors:
        form.is_valid()
        show_image_errors([form], errors)
    return form
