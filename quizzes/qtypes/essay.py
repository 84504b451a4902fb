"""Essay: learners write a free text, which the teacher grades.

No answers; an answered essay is graded 0 points and waits for the teacher
("needs grading"), its points still counting in the attempt's maximum.
A response is a string.
"""

import re

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from quizzes.fields import TEXT_MAX, ResponseFormat, error
from quizzes.qtypes.base import MenuField, QuestionType, checkbox, format_select, text_area

UNLIMITED = -1  # attachments: as many as learners like
WORD = re.compile(r"\S+")


def count_words(text):
    """The words of a response, its HTML tags left out (as Moodle's count_words)."""
    return len(WORD.findall(strip_tags(text or "")))


def word_limits(low, high):
    """The word limits in words for learners ("" when there are none)."""
    if low and high:
        return gettext("Write between %(min)s and %(max)s words.") % {"min": low, "max": high}
    if low:
        return ngettext("Write at least %(min)s word.", "Write at least %(min)s words.", low) % {
            "min": low
        }
    if high:
        return ngettext("Write at most %(max)s word.", "Write at most %(max)s words.", high) % {
            "max": high
        }
    return ""


class Essay(QuestionType):
    name = "essay"
    label = _("Essay")
    summary = _("Learners write a free text, which you grade yourself.")
    manual = True
    gift_order = 0  # an empty answer block

    extra_fields = (
        "response_format",
        "response_required",
        "response_field_lines",
        "attachments",
        "attachments_required",
        "min_word_limit",
        "max_word_limit",
        "grader_info",
        "grader_info_format",
        "response_template",
        "response_template_format",
    )

    no_answers_message = _("An essay question has no answers to fill in.")
    form_legend = _("Response options")

    def validate(self, question, errors):
        super().validate(question, errors)
        # Moodle's editing form checks these (qtype_essay_edit_form::validation);
        # its importer takes the options as they are.
        allowed, required = question["attachments"], question["attachments_required"]
        if question["response_format"] == ResponseFormat.NO_INLINE:
            if not allowed:
                message = _("Without an online text, learners must be allowed attachments.")
                errors.tolerate("attachments", error(message, "must_attach"))
            if not required:
                message = _("Without an online text, learners must be required to attach files.")
                errors.tolerate("attachments_required", error(message, "must_require"))
        if allowed != UNLIMITED and required > allowed:
            message = _("Require at most as many attachments as you allow.")
            errors.tolerate("attachments_required", error(message, "require_fewer"))
        low, high = question["min_word_limit"], question["max_word_limit"]
        if low is not None and high is not None and low > high:
            message = _("The minimum word limit cannot be greater than the maximum.")
            errors.tolerate("min_word_limit", error(message, "word_limits"))

    # -- editor ------------------------------------------------------------------------
    def form_fields(self):
        number = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        return {
            "response_format": forms.ChoiceField(
                label=_("Response format"),
                choices=ResponseFormat.choices,
                initial=ResponseFormat.EDITOR,
                required=False,
            ),
            "response_required": checkbox(
                _("Require text"),
                initial=True,
                help_text=_("Untick to let learners answer with attachments only."),
            ),
            "response_field_lines": MenuField(
                label=_("Input box size"),
                choices=[(n, _("%(lines)s lines") % {"lines": n}) for n in range(5, 55, 5)],
                initial="15",
            ),
            "attachments": MenuField(
                label=_("Allow attachments"),
                choices=[(0, _("No")), (1, 1), (2, 2), (3, 3), (UNLIMITED, _("Unlimited"))],
                initial="0",
            ),
            "attachments_required": MenuField(
                label=_("Require attachments"),
                choices=[(0, _("Attachments are optional")), (1, 1), (2, 2), (3, 3)],
                initial="0",
            ),
            "min_word_limit": forms.CharField(
                label=_("Minimum word limit"),
                required=False,
                widget=number,
                help_text=_("Leave empty for no limit."),
            ),
            "max_word_limit": forms.CharField(
                label=_("Maximum word limit"),
                required=False,
                widget=number,
                help_text=_("Leave empty for no limit."),
            ),
            "grader_info": text_area(
                _("Information for graders"),
                rows=3,
                help_text=_("Shown to whoever grades the essay, never to learners."),
            ),
            "grader_info_format": format_select(),
            "response_template": text_area(
                _("Response template"),
                rows=3,
                help_text=_("The response box starts with this text."),
            ),
            "response_template_format": format_select(),
        }

    response_schema = {"type": "string", "description": "essay: the learner's text"}
    response_max_length = TEXT_MAX

    # -- learners ----------------------------------------------------------------------
    LEARNER_FIELDS = (
        "response_format",
        "response_required",
        "response_field_lines",
        "min_word_limit",
        "max_word_limit",
        "response_template",
    )

    def learner_view(self, question):
        defaults = {name: field.default for name, field in self.fields().items()}
        return {name: question.get(name, defaults[name]) for name in self.LEARNER_FIELDS}

    def learner_context(self, view, name, response, render, shuffle=None):
        # A new response starts from the template (Moodle's response template).
        text = view.get("response_template", "") if response is None else response
        return {
            "text": text,
            "rows": view.get("response_field_lines") or 15,
            "monospaced": view.get("response_format") == ResponseFormat.MONOSPACED,
            "limits": word_limits(view.get("min_word_limit"), view.get("max_word_limit")),
        }

    def response_problem(self, question, response):
        """Moodle's essay refuses a response outside its word limits, saying so."""
        if not isinstance(response, str):
            return None
        words = count_words(response)
        low, high = question.get("min_word_limit"), question.get("max_word_limit")
        if low and words < low:
            return gettext(
                "This question needs a response of at least %(min)s words; yours has %(count)s."
            ) % {"min": low, "count": words}
        if high and words > high:
            return gettext(
                "This question has a limit of %(max)s words; your response has %(count)s."
            ) % {"max": high, "count": words}
        return None

    def gift_matches(self, spec):
        return not spec

    def gift_read(self, reader, section, offset):
        # Moodle's GIFT import: the essay options' defaults, its texts in HTML.
        return {"answers": [], "grader_info_format": "html", "response_template_format": "html"}

    # -- Moodle XML ------------------------------------------------------------------
    def xml_read(self, reader):
        element = reader.element
        if reader.integer("maxbytes", "0"):
            reader.warn(_("the largest attachment size is not supported: left out"))
        if (reader.setting("filetypeslist", "") or "").strip():
            reader.warn(_("the accepted file types are not supported: left out"))
        return {
            "response_format": reader.choice("responseformat", ResponseFormat),
            "response_required": reader.flag("responserequired", "1"),
            "response_field_lines": reader.integer("responsefieldlines", "15"),
            "attachments": reader.integer("attachments", "0"),
            "attachments_required": reader.integer("attachmentsrequired", "0"),
            # 0 or empty: no limit (Moodle's minwordenabled / maxwordenabled).
            "min_word_limit": reader.integer("minwordlimit", "") or None,
            "max_word_limit": reader.integer("maxwordlimit", "") or None,
            **reader.formatted(element.find("graderinfo"), "grader_info"),
            **reader.formatted(element.find("responsetemplate"), "response_template"),
            "answers": [],
        }

    def xml_write(self, writer):
        question = writer.question

        def limit(value):
            return "" if value is None else value

        return (
            writer.element("responseformat", question.get("response_format", "editor"))
            + writer.element("responserequired", int(question.get("response_required", True)))
            + writer.element("responsefieldlines", question.get("response_field_lines", 15))
            + writer.element("minwordlimit", limit(question.get("min_word_limit")))
            + writer.element("maxwordlimit", limit(question.get("max_word_limit")))
            + writer.element("attachments", question.get("attachments", 0))
            + writer.element("attachmentsrequired", question.get("attachments_required", 0))
            + writer.element("maxbytes", 0)
            + writer.element("filetypeslist", "")
            + writer.rich(
                "graderinfo", question.get("grader_info", ""), writer.format_of("grader_info"), 2
            )
            + writer.rich(
                "responsetemplate",
                question.get("response_template", ""),
                writer.format_of("response_template"),
                2,
            )
        )


TYPE = Essay()
