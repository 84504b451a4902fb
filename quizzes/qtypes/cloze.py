"""Cloze (Moodle's "embedded answers", qtype_multianswer): sub-questions inside the text.

The question text holds the sub-questions in Moodle's syntax, e.g.
`The capital of France is {1:SHORTANSWER:=Paris#Bravo~%50%paris}.`
(`quizzes.qtypes.cloze_syntax` reads and writes it). There are no answer
rows: the text is the question. Learners see the text with an input, a
select or a list of choices in place of each sub-question; the grade is the
weighted mean of the sub-questions' grades. A response maps sub-question
numbers ("1", "2"...) to the sub-question's response: a text, a number, a
choice id, or a list of choice ids.
"""

import re
from functools import lru_cache

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quizzes import rendering
from quizzes.fields import ANSWER_TEXT_MAX, ANSWERS_MAX, TextFormat, error, is_number
from quizzes.qtypes import cloze_syntax
from quizzes.qtypes.base import (
    COMBINED_FEEDBACK,
    QuestionType,
    combined_feedback_form_fields,
    is_choice_id,
)

CHOICE_KINDS = ("multichoice", "multiresponse")
PART_KINDS = ("shortanswer", "numerical", *CHOICE_KINDS)
PART_DISPLAYS = ("inline", "vertical", "horizontal")


def placeholder(number):
    """What stands for sub-question `number` in the text learners get (as Moodle's {#1})."""
    return f"{{#{number}}}"


PLACEHOLDER = re.compile(r"\{#([0-9]+)\}")


def learner_text(text, subs):
    """The text with each sub-question's code replaced by its placeholder."""
    pieces, end = [], 0
    for sub in subs:
        pieces += [text[end : sub.start], placeholder(sub.number)]
        end = sub.end
    return "".join([*pieces, text[end:]])


@lru_cache(maxsize=1024)
def parsed(text):
    """The sub-questions of a cloze text, read once per text: grading an attempt asks for
    them several times per question (the grade, the right answer, the learner view)."""
    return tuple(cloze_syntax.parse(text))


def sub_name(name, number):
    return f"{name}-{number}"


def fits_sub(response):
    if response is None:  # a gap left blank
        return True
    if isinstance(response, list):
        return len(response) <= ANSWERS_MAX and all(map(is_choice_id, response))
    return is_number(response) or (isinstance(response, str) and len(response) <= ANSWER_TEXT_MAX)


class Cloze(QuestionType):
    name = "cloze"
    label = _("Cloze (embedded answers)")
    summary = _("Learners fill in gaps and choose from lists inside the text.")
    xml_names = ("multianswer",)
    extra_fields = COMBINED_FEEDBACK
    help_text = _(
        "Write each gap in the text as {weight:TYPE:answers}. TYPE is SHORTANSWER (SA), "
        "SHORTANSWER_C (SAC, case sensitive), NUMERICAL (NM), MULTICHOICE (MC, a list), "
        "MULTICHOICE_V (MCV) or MULTICHOICE_H (MCH) for buttons, MULTIRESPONSE (MR) for "
        "several answers. Separate answers with ~, mark the right one with = or a grade "
        "with %50%, add feedback after #. Example: {1:SHORTANSWER:=Paris#Right!~%50%paris} "
        "or {2:NUMERICAL:=3.14:0.01}."
    )
    no_answers_message = _("A cloze question keeps its answers in its text.")

    def subquestions(self, question):
        return parsed(question["text"])

    def validate(self, question, errors):
        super().validate(question, errors)
        if not question.get("text"):
            return
        try:
            self.subquestions(question)
        except cloze_syntax.ClozeError as failure:
            errors.add("text", error(failure.message, "cloze"))

    # -- learners ----------------------------------------------------------------------
    def learner_view(self, question):
        subs = self.subquestions(question)
        return {
            "text": learner_text(question["text"], subs),
            "parts": [
                {
                    "id": sub.number,
                    "kind": sub.kind,
                    "display": sub.display,
                    "shuffle": sub.shuffle,
                    "choices": [
                        {"id": i, "text": answer.text} for i, answer in enumerate(sub.answers)
                    ]
                    if sub.kind in CHOICE_KINDS
                    else [],
                }
                for sub in subs
            ],
        }

    def learner_html(self, view):
        """As any type's, and each gap's choices (plain text) with their `text_html`."""
        view = super().learner_html(view)
        parts = [
            {
                **part,
                "choices": [
                    {**choice, "text_html": rendering.render(choice["text"], TextFormat.PLAIN)}
                    for choice in part["choices"]
                ],
            }
            for part in view["parts"]
        ]
        return {**view, "parts": parts}

    def preview(self, text, render):
        """The text with its gaps as learners get them, or what is wrong with a gap."""
        try:
            view = self.learner_view({"text": text})
        except cloze_syntax.ClozeError as failure:
            return format_html(
                '<p class="errorlist" role="alert">{}</p>{}', failure.message, render(text)
            )
        # Disabled: the preview sits inside the editor's form, which must not send its gaps.
        html = self.learner_context(view, "preview", None, render)["text_html"]
        return format_html("<fieldset disabled>{}</fieldset>", html)

    response_schema = {
        "type": "object",
        "additionalProperties": {
            "nullable": True,
            "oneOf": [
                {"type": "string"},
                {"type": "number"},
                {"type": "array", "items": {"type": "integer"}},
            ],
        },
        "description": "cloze: sub-question number → its response (text, number, "
        "choice id, or list of choice ids; null when left blank)",
    }
    response_message = _("Give an object mapping sub-question numbers to responses.")

    def response_fits(self, question, response):
        return (
            isinstance(response, dict)
            and len(response) <= ANSWERS_MAX
            and all(is_choice_id(key) and fits_sub(value) for key, value in response.items())
        )

    def is_unanswered(self, response):
        """Unanswered when every gap is: {"1": "", "2": null} says nothing more than {}."""
        if isinstance(response, dict):
            return all(map(super().is_unanswered, response.values()))
        return super().is_unanswered(response)

    def read_response(self, post, name, view):
        response = {}
        for part in view["parts"]:
            field = sub_name(name, part["id"])
            value = post.getlist(field) if part["kind"] == "multiresponse" else post.get(field)
            if value:
                response[str(part["id"])] = value
        return response

    def learner_context(self, view, name, response, render, shuffle=None):
        given = response if isinstance(response, dict) else {}
        widgets = {}
        for part in view["parts"]:
            choices = list(part["choices"])
            if shuffle and part["shuffle"]:
                shuffle(choices)
            widgets[str(part["id"])] = self.widget(
                part, sub_name(name, part["id"]), given.get(str(part["id"])), choices
            )
        # One pass over the rendered text, each gap at its placeholder's first place: a choice
        # that reads "{#2}" stays text, since the widgets are not searched again.
        html = PLACEHOLDER.sub(
            lambda found: widgets.pop(found[1], found[0]), str(render(view["text"]))
        )
        html = f'<div class="cloze-text">{html}</div>'
        return {"text_html": mark_safe(html)}  # noqa: S308 - rendered, sanitised text and format_html widgets

    def widget(self, part, name, value, choices):
        """The HTML input of one sub-question, holding the learner's `value`."""
        label = gettext("Gap %(number)s") % {"number": part["id"]}
        if part["kind"] == "multichoice" and part["display"] == "inline":
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (c["id"], " selected" if str(c["id"]) == str(value) else "", c["text"])
                    for c in choices
                ),
            )
            return format_html(
                '<select name="{}" aria-label="{}" class="cloze-select">'
                '<option value="">{}</option>{}</select>',
                name,
                label,
                gettext("Choose…"),
                options,
            )
        if part["kind"] in CHOICE_KINDS:
            kind = "checkbox" if part["kind"] == "multiresponse" else "radio"
            chosen = {str(item) for item in (value if isinstance(value, list) else [value])}
            items = format_html_join(
                "",
                '<label><input type="{}" name="{}" value="{}"{}> {}</label>',
                (
                    (kind, name, c["id"], " checked" if str(c["id"]) in chosen else "", c["text"])
                    for c in choices
                ),
            )
            return format_html(
                '<span role="group" aria-label="{}" class="cloze-choices cloze-{}">{}</span>',
                label,
                part["display"],
                items,
            )
        mode = ' inputmode="decimal"' if part["kind"] == "numerical" else ""
        return format_html(
            '<input type="text" name="{}" value="{}" aria-label="{}" class="cloze-input" '
            'size="12" autocomplete="off"{}>',
            name,
            value if isinstance(value, str) else "",
            label,
            mark_safe(mode),  # noqa: S308 - a constant
        )

    # -- grading -----------------------------------------------------------------------
    def grade(self, question, response):
        if not isinstance(response, dict):
            return 0, []
        fraction, results = cloze_syntax.grade_all(self.subquestions(question), response)
        chosen = [
            {"feedback": answer.feedback}
            for _sub, _fraction, answers in results
            for answer in answers
        ]
        return 100 * fraction, chosen

    def parts_right(self, question, response):
        if not isinstance(response, dict):
            return 0
        _fraction, results = cloze_syntax.grade_all(self.subquestions(question), response)
        return sum(1 for _sub, fraction, _answers in results if fraction >= 1)

    def right_answer(self, question):
        shown = "; ".join(
            gettext("Gap %(number)s: %(answer)s")
            % {"number": sub.number, "answer": cloze_syntax.right_answer(sub)}
            for sub in self.subquestions(question)
        )
        return gettext("The correct answers are: %(answers)s") % {"answers": shown}

    # -- editor ------------------------------------------------------------------------
    def form_fields(self):
        return combined_feedback_form_fields()

    # -- Moodle XML: the text holds everything, as Moodle writes it ----------------------
    def xml_read(self, reader):
        """What Moodle's import_multianswer makes of a question besides its text.

        The grade is the sum of the sub-questions' weights (Moodle ignores
        <defaultgrade>; one is read when present, since only a cloze whose
        points differ from that sum has one: see xml_write). A question
        without a name is named from its text with each code shown as {#n}.
        """
        fields = {**reader.combined_feedback(), "answers": []}
        try:
            subs = cloze_syntax.parse(reader.text)
        except cloze_syntax.ClozeError:
            return fields  # validation refuses the question and says why, as Moodle's import
        if reader.setting("defaultgrade", None) is None:
            fields["points"] = cloze_syntax.total_weight(subs)
        if not reader.text_of(reader.element.find("name")):
            fields["name"] = reader.default_name(learner_text(reader.text, subs))
        return fields

    def xml_write(self, writer):
        # Moodle writes no <defaultgrade> for a cloze: it is the sum of the weights. Points set
        # apart from that sum keep theirs (Moodle ignores it) so that OpenQuizz reads them back.
        question = writer.question
        if question["points"] == cloze_syntax.total_weight(self.subquestions(question)):
            writer.leave_out_defaultgrade()
        # Moodle has no combined feedback for a cloze: written only when there is some.
        return writer.combined_feedback() if writer.has_combined_feedback() else ""


TYPE = Cloze()
