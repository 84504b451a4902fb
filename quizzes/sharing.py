"""Share codes of published quizzes, their links and QR codes.

A quiz gets its share code at its first publication (quizzes.operations) and
keeps it for ever after: unpublishing and publishing again, or publishing
changes, leave its link as it was. A copy of the quiz gets its own code when
it is published. Each release carries the code of its quiz, so that a
learner's code finds the live release with one find
(quizzes.releases.live_release_by_code).

A code is `CODE_LENGTH` characters of `ALPHABET`: capital letters and digits
without those read one for another (0 and O, 1, I and L). Seven of these 31
characters make 31**7, about 2.75e10 codes: short enough to read aloud to a
class and type on a phone, and so sparse that a million published quizzes
fill one code in 27,000, so guessing one is hopeless and a random new code is
almost never taken (`new_share_code` draws again if it is). Six would leave a
guesser one chance in 900 at that size; eight would be longer to type for no
gain. Codes never look like an ObjectId (24 hex digits), so the API takes
either in the same place.

Learners type codes: `normalize_code` ignores case, spaces and dashes.
"""

import io
import re
import secrets

import segno
from django.urls import reverse
from django.utils.translation import gettext as _

from quizzes.models import Quiz

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 7
CODE_RE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
# Typed separators a code may contain ("ABC-DEFG", "abc defg").
SEPARATORS = re.compile(r"[\s\-]+")
# A typed code longer than this is not a code (so nothing long is worked on).
TYPED_MAX = 40
# New codes drawn before giving up: each is taken with a chance well below 1e-4.
DRAWS_MAX = 10
# Pixels per module of a downloaded QR code (a share link makes 29 to 41 modules a side):
# 290 to 410 pixels, sharp when printed a few centimetres wide.
QR_FILE_SCALE = 10


def new_share_code():
    """A random code that no quiz has yet.

    Drawn with `secrets` (codes must not be predictable from one another);
    one query checks that it is free. Two publications drawing the same free
    code at once would both pass the check: the unique index on
    Quiz.share_code then refuses the second write (its transaction fails and
    the teacher publishes again), with odds of about 1 in 10**10.
    """
    for _draw in range(DRAWS_MAX):
        code = "".join(secrets.choice(ALPHABET) for _position in range(CODE_LENGTH))
        if not Quiz.objects.filter(share_code=code).exists():
            return code
    raise RuntimeError("no free share code found: the codes are nearly all taken")


def normalize_code(text):
    """The share code `text` stands for (as a learner typed it: any case, with spaces
    or dashes), or None when it cannot be one."""
    if not isinstance(text, str) or len(text) > TYPED_MAX:
        return None
    code = SEPARATORS.sub("", text).upper()
    return code if CODE_RE.fullmatch(code) else None


def share_path(code):
    """The path of the quiz's share link: the player's start page, /q/<code>/."""
    return reverse("player:start", kwargs={"code": code})


def share_url(request, code):
    """The absolute share link of `code` as `request` reached the site."""
    return request.build_absolute_uri(share_path(code))


def qr_code(url):
    """The segno QR code of `url` (error correction M: readable when printed or
    projected a little blurred)."""
    return segno.make(url, error="m", micro=False)


def qr_svg(url):
    """The QR code of `url` as an SVG element to put in a page (a string) with a <title>
    naming the link, for screen readers; it scales to the width the page gives it."""
    return (
        qr_code(url)
        .svg_inline(
            title=_("QR code of the link %(url)s") % {"url": url},
            svgclass="qr-code",
            lineclass=None,
            omitsize=True,  # a viewBox only: the page's CSS sizes it
        )
        .strip()
    )


def qr_file(url, kind):
    """(bytes, content type) of the QR code of `url` as a downloadable file: "svg" (a
    standalone document) or "png" (segno writes PNG itself, without Pillow)."""
    out = io.BytesIO()
    if kind == "png":
        qr_code(url).save(out, kind="png", scale=QR_FILE_SCALE)
        return out.getvalue(), "image/png"
    qr_code(url).save(
        out, kind="svg", scale=QR_FILE_SCALE, title=url, xmldecl=True, svgns=True, nl=True
    )
    return out.getvalue(), "image/svg+xml"
