"""Numerical: learners type a number, accepted within a tolerance.

Answers have a value, a tolerance (± around it, 0 when not given) and a
fraction (0 to 100 %, at least one at 100 %); the best answer whose interval
holds the response counts (Moodle's qtype_numerical, without units). A
response is a number or a numeric string ("3.14", or "3,14").
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quizzes.fields import ANSWER_TEXT_MAX, format_number, is_number
from quizzes.qtypes.base import (
    CATCH_ALL,
    POSITIVE_GRADES,
    MenuField,
    QuestionType,
    answer_error,
    check_accepted_answers,
    checkbox,
    decimal_input,
    feedback_field,
    filled,
    format_select,
    fraction_field,
    given_format,
    grade_number,
    is_catch_all,
    reset_unused,
    shown_format,
)


class Numerical(QuestionType):
    name = "numerical"
    label = _("Numerical")
    summary = _("Learners type a number, accepted within a tolerance.")
    answer_fields = ("value", "tolerance", "fraction", "feedback", "feedback_format")
    blank_rows = 2
    row_label = _("Answer")
    add_label = _("Add an answer")
    help_text = _(
        "An answer matches a number within its tolerance: 3.14 ± 0.01 accepts "
        "3.13 to 3.15. At least one answer at 100 %."
    )
    # Moodle's answer "*" has its own inputs, after the rows.
    form_legend = _("Any other number")
    form_fields_after_rows = True
    OTHER_INPUTS = {
        "fraction": "other_fraction",
        "feedback": "other_feedback",
        "uid": "other_uid",
    }
    gift_order = 10

    def validate(self, question, errors):
        rows = filled(question["answers"])
        catch_all = [index for index, answer in rows if answer["text"].strip() == CATCH_ALL]
        reset_unused(rows, self.answer_fields)
        for index, answer in rows:
            if index in catch_all:
                # Moodle's "*": any number the other answers do not match.
                answer.update(text=CATCH_ALL, value=None, tolerance=0.0)
                continue
            if answer["value"] is None:
                answer_error(errors, index, "value", _("Enter the expected number."), "required")
            if answer["tolerance"] is None:
                answer["tolerance"] = 0.0
        check_accepted_answers(errors, rows, _("Give at least one expected number."))

    # -- learners ----------------------------------------------------------------------
    response_schema = {
        "oneOf": [
            {"type": "number", "description": "numerical"},
            {"type": "string", "description": "numerical: a number as typed (“3,14”)"},
        ]
    }
    response_message = _("Give a number.")

    def response_fits(self, question, response):
        return is_number(response) or (
            isinstance(response, str) and len(response) <= ANSWER_TEXT_MAX
        )

    # -- grading -----------------------------------------------------------------------
    def grade(self, question, response):
        return grade_number(question, response)

    def right_answer(self, question):
        numbers = [answer for answer in question["answers"] if not is_catch_all(answer)]
        best = max(numbers, key=lambda answer: answer["fraction"])
        return gettext("The correct answer is: %(answer)s") % {
            "answer": format_number(best["value"])
        }

    # -- editor ------------------------------------------------------------------------
    def row_fields(self):
        return {
            "value": forms.CharField(
                label=_("Expected number"), required=False, widget=decimal_input()
            ),
            "tolerance": forms.CharField(
                label=_("Tolerance (±)"), required=False, widget=decimal_input()
            ),
            "fraction": fraction_field(),
            "feedback": feedback_field(),
        }

    def row_answers(self, question):
        first = next((a for a in question["answers"] if is_catch_all(a)), None)
        return [answer for answer in question["answers"] if answer is not first]

    def row_initial(self, answer, initial):
        return {**initial, "value": CATCH_ALL} if is_catch_all(answer) else initial

    def from_row(self, answer):
        if (answer.get("value") or "").strip() == CATCH_ALL:
            return {**answer, "text": CATCH_ALL, "value": None}
        return answer

    def form_fields(self):
        return {
            "other": checkbox(
                _("Give a grade and feedback to any other number"),
                help_text=_(
                    "Moodle's answer “*”: any number no answer above matches (an "
                    "expected number of * is one too)."
                ),
            ),
            "other_fraction": MenuField(
                label=_("Grade"), choices=[(g, f"{g} %") for g in POSITIVE_GRADES], initial="0"
            ),
            "other_feedback": feedback_field(),
            "other_feedback_format": format_select(),
            # That answer's identity (quizzes.validation.ANSWER_UID), kept by saving.
            "other_uid": forms.CharField(required=False, widget=forms.HiddenInput),
        }

    def initial(self, question):
        other = next((a for a in question["answers"] if is_catch_all(a)), None)
        if other is None:
            return {"other": False, "other_fraction": "0"}
        return {
            "other": True,
            "other_fraction": format_number(other["fraction"]),
            "other_feedback": other["feedback"],
            "other_feedback_format": shown_format(other.get("feedback_format"), question),
            "other_uid": other.get("uid", ""),
        }

    def from_form(self, cleaned):
        return {}

    def form_answers(self, cleaned):
        if not cleaned["other"]:
            return []
        return [
            {
                "text": CATCH_ALL,
                "fraction": cleaned["other_fraction"] or None,
                "feedback": cleaned["other_feedback"],
                "feedback_format": given_format(cleaned["other_feedback_format"]),
                "uid": cleaned["other_uid"] or None,
            }
        ]

    def form_field_of_answer(self, index, field):
        return self.OTHER_INPUTS.get(field)

    # -- GIFT ------------------------------------------------------------------------
    def gift_matches(self, spec):
        return spec.startswith("#")

    def gift_read(self, reader, section, offset):
        start = section.index("#") + 1
        section, offset = section[start:], offset + start
        other = section.find("~")
        catch_all = None
        if other != -1:
            # "~#feedback": Moodle's answer "*", for any other number, at 0 %.
            _marker, _hash, feedback = section[other:].partition("#")
            catch_all = {"text": CATCH_ALL, "fraction": 0.0, **reader.feedback(feedback)}
            section = section[:other]
        answers = []
        for answer, at in reader.split(section, offset, "="):
            fraction, body = reader.weight(reader.unmarked(answer, "="), at, 100.0)
            spec, _hash, feedback = body.partition("#")
            spec = spec.strip()
            if reader.plain(spec) == CATCH_ALL:
                answers.append(
                    {"text": CATCH_ALL, "fraction": fraction, **reader.feedback(feedback)}
                )
                continue
            if spec.find("..") > 0:
                low, high = (reader.number_in(part, at) for part in spec.split("..", 1))
                value, tolerance = (low + high) / 2, (high - low) / 2
            elif spec.find(":") > 0:
                value, tolerance = (reader.number_in(part, at) for part in spec.split(":", 1))
            else:
                value, tolerance = reader.number_in(spec, at), 0
            answers.append(
                {
                    "value": float(value),
                    "tolerance": float(tolerance),
                    "fraction": fraction,
                    **reader.feedback(feedback),
                }
            )
        return {"answers": answers + ([catch_all] if catch_all else [])}

    def gift_write(self, writer):
        # As Moodle: each number with its weight and a "#"; "*" as "~#feedback" (at any
        # other grade than 0 %, as "=%50%*#feedback", which Moodle reads as "*" too).
        rows = []
        for answer in writer.question["answers"]:
            feedback = writer.answer_feedback(answer, always=True)
            if is_catch_all(answer) and not answer["fraction"]:
                rows.append(f"~{feedback}")
            elif is_catch_all(answer):
                rows.append(f"={writer.weight(answer)}{CATCH_ALL}{feedback}")
            else:
                number = (
                    f"{format_number(answer['value'])}:{format_number(answer['tolerance'] or 0)}"
                )
                rows.append(f"={writer.weight(answer)}{number}{feedback}")
        return writer.lines("{#", rows)

    # -- Moodle XML ------------------------------------------------------------------
    def xml_read(self, reader):
        answers = []
        for answer in reader.element.findall("answer"):
            text = reader.text_of(answer)
            if not text:
                reader.warn(_("an answer without a number is left out, as Moodle does"))
                continue
            read = {
                "text_format": reader.format(answer),
                "fraction": reader.fraction(answer),
                **reader.answer_feedback(answer),
            }
            if text == CATCH_ALL:
                read.update(text=CATCH_ALL, value=None, tolerance=None)
            else:
                tolerance = (answer.findtext("tolerance") or "").strip() or "0"
                read.update(
                    value=reader.number_in(text, "answer"),
                    tolerance=reader.number_in(tolerance, "tolerance"),
                )
            answers.append(read)
        if reader.element.find("units/unit") is not None or reader.text_of(
            reader.element.find("instructions")
        ):
            reader.warn(_("units are not supported: ignored"))
        return {"answers": answers}

    def xml_write(self, writer):
        answers = "".join(
            writer.answer(
                answer,
                CATCH_ALL if is_catch_all(answer) else format_number(answer["value"]),
                extra=f"      <tolerance>{format_number(answer['tolerance'] or 0)}</tolerance>\n",
            )
            for answer in writer.question["answers"]
        )
        return (
            answers
            + writer.element("unitgradingtype", "0")
            + writer.element("unitpenalty", "0.1000000")
            + writer.element("showunits", "3")
            + writer.element("unitsleft", "0")
        )


TYPE = Numerical()
