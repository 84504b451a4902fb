"""Template filters of the teachers' UI."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from quizzes import markdown_images
from quizzes.fields import format_number
from quizzes.rendering import excerpt, render

register = template.Library()


@register.filter
def rendered(text, text_format="markdown"):
    """A teacher's text as sanitised HTML (quizzes.rendering): the only way content is shown."""
    return render(text, text_format or "markdown")


@register.filter(name="excerpt")
def excerpt_filter(text, text_format="markdown"):
    """A teacher's text as plain words for a list's excerpt (formulas as their TeX)."""
    return excerpt(text, text_format or "markdown")


@register.filter
def number(value):
    """A number for display: 2.0 → 2, 2.5 → 2.5, float noise rounded away."""
    return format_number(round(float(value), 4))


@register.filter
def ago(moment):
    """How long ago `moment` was, in words: "just now", "3 minutes ago"."""
    if timezone.now() - moment < timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment)}


@register.filter
def first_image(text):
    """(alt, URL) of the first stored image a Markdown text shows, or None (bank thumbnails)."""
    return markdown_images.first_image(text)


@register.filter
def mark_of(grade, part_id):
    """Whether the part `part_id` of a graded response (a choice's or a stem's id, a
    true/false word) is right (Grade.marks): True, False, or None when it is not
    marked (not chosen, or no grade)."""
    return grade.marks.get(str(part_id)) if grade else None
