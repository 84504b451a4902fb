"""Multiple choice: learners pick one answer (radio buttons) or several (check boxes).

Answers have a text and a fraction (-100 to 100 %). With `single`, at least
one answer is at 100 %; otherwise the positive fractions add up to 100 %, and
the chosen fractions are summed (Moodle's qtype_multichoice). A response is a
choice id (the index of the answer), or a list of ids when several may be
chosen.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quizzes.fields import ANSWERS_MAX, AnswerNumbering, error, format_number
from quizzes.qtypes.base import (
    COMBINED_FEEDBACK,
    FRACTION_TOLERANCE,
    NEGATIVE_GRADES,
    POSITIVE_GRADES,
    QuestionType,
    check_fraction_range,
    check_one_full_mark,
    check_texts,
    checkbox,
    choice_id,
    combined_feedback_form_fields,
    feedback_field,
    filled,
    fraction_field,
    is_choice_id,
    render_shown,
    reset_unused,
    shown_answer,
    text_area,
)

ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


def roman(number):
    text = ""
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        text += letters * count
    return text


def letters(index):
    """a, b, ..., z, aa, ab, ... for 0, 1, ..."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def choice_number(index, style):
    """The label of the choice shown at position `index` (from 0) in numbering `style`
    (fields.AnswerNumbering), as Moodle's number_in_style: "a.", "B.", "3.", "iv." ...;
    "" for no numbering."""
    number = {
        AnswerNumbering.LOWER: lambda: letters(index),
        AnswerNumbering.UPPER: lambda: letters(index).upper(),
        AnswerNumbering.DIGITS: lambda: str(index + 1),
        AnswerNumbering.ROMAN_LOWER: lambda: roman(index + 1),
        AnswerNumbering.ROMAN_UPPER: lambda: roman(index + 1).upper(),
    }.get(style)
    return f"{number()}." if number else ""


class Multichoice(QuestionType):
    name = "multichoice"
    label = _("Multiple choice")
    summary = _("Learners pick one or several answers from a list.")
    extra_fields = (
        "single",
        "shuffle_answers",
        "answer_numbering",
        *COMBINED_FEEDBACK,
    )
    answer_fields = ("text", "fraction", "feedback", "text_format", "feedback_format")
    blank_rows = 4
    row_label = _("Choice")
    add_label = _("Add a choice")
    help_text = _(
        "Give the right answer 100 %. When several answers are allowed, the grades "
        "of the right ones must add up to 100 %, and a wrong choice may take a "
        "negative grade. Empty rows are ignored."
    )
    grades = POSITIVE_GRADES + NEGATIVE_GRADES
    gift_order = 30

    def validate(self, question, errors):
        rows = filled(question["answers"])
        reset_unused(rows, self.answer_fields)
        check_texts(errors, rows)
        check_fraction_range(errors, rows, -100, 100)
        if len(rows) < 2:
            errors.add("answers", error(_("Give at least two answers to choose from."), "too_few"))
        elif errors.has("answers"):
            return
        elif question["single"]:
            check_one_full_mark(errors, rows)
        else:
            total = sum(answer["fraction"] for _index, answer in rows if answer["fraction"] > 0)
            if abs(total - 100) > FRACTION_TOLERANCE + 1e-9:
                message = _(
                    "The positive grades must add up to 100 %% (they add up to %(total)s %%)."
                )
                # Moodle's form refuses it, its importer does not (its multichoice_19).
                errors.tolerate("answers", error(message, "sum", total=round(total, 2)))

    # -- learners ----------------------------------------------------------------------
    learner_texts = ("choices",)

    def learner_view(self, question):
        return {
            "single": question["single"],
            "shuffle_answers": question["shuffle_answers"],
            "answer_numbering": question.get("answer_numbering", AnswerNumbering.LOWER),
            "choices": [
                shown_answer(question, i, answer) for i, answer in enumerate(question["answers"])
            ],
        }

    response_schema = {
        "oneOf": [
            {"type": "integer", "description": "multichoice (single): a choice id"},
            {"type": "array", "items": {"type": "integer"}, "description": "multichoice"},
        ]
    }
    response_message = _("Give the id of one choice, or a list of choice ids.")

    def response_fits(self, question, response):
        if question["single"]:
            return is_choice_id(response)
        return (
            isinstance(response, list)
            and len(response) <= ANSWERS_MAX
            and all(map(is_choice_id, response))
        )

    def read_response(self, post, name, view):
        return post.get(name) if view["single"] else post.getlist(name)

    def learner_context(self, view, name, response, render, shuffle=None):
        values = response if isinstance(response, list) else [response]
        chosen = {str(value) for value in values if value is not None}
        choices = [
            {"id": c["id"], "html": render_shown(render, c), "checked": str(c["id"]) in chosen}
            for c in view["choices"]
        ]
        if shuffle and view["shuffle_answers"]:
            shuffle(choices)
        # Numbered as shown, after shuffling, as Moodle numbers them.
        style = view.get("answer_numbering", AnswerNumbering.LOWER)
        for index, choice in enumerate(choices):
            choice["number"] = choice_number(index, style)
        return {"single": view["single"], "choices": choices}

    # -- grading -----------------------------------------------------------------------
    def chosen_ids(self, question, response):
        """The indices of the answers `response` chooses (none for a wrong shape)."""
        count = len(question["answers"])
        if question["single"]:
            return {choice_id(response, count)} - {None}
        if isinstance(response, list):
            return {choice_id(item, count) for item in response} - {None}
        return set()

    def grade(self, question, response):
        chosen_ids = self.chosen_ids(question, response)
        chosen = [answer for i, answer in enumerate(question["answers"]) if i in chosen_ids]
        return sum(answer["fraction"] for answer in chosen), chosen

    def marks(self, question, response):
        answers = question["answers"]
        return {str(i): answers[i]["fraction"] > 0 for i in self.chosen_ids(question, response)}

    def parts_right(self, question, response):
        if question["single"]:
            return None
        _percent, chosen = self.grade(question, response)
        return sum(1 for answer in chosen if answer["fraction"] > 0)

    def answer_options(self, question):
        return [(i, answer["text"]) for i, answer in enumerate(question["answers"])]

    def right_answer(self, question):
        answers = question["answers"]
        if not question["single"]:
            right = [answer["text"] for answer in answers if answer["fraction"] > 0]
            return gettext("The correct answers are: %(answers)s") % {"answers": ", ".join(right)}
        best = max(answers, key=lambda answer: answer["fraction"])
        return gettext("The correct answer is: %(answer)s") % {"answer": best["text"]}

    # -- editor ------------------------------------------------------------------------
    def form_fields(self):
        return {
            "single": forms.TypedChoiceField(
                label=_("Learners may choose"),
                choices=[("single", _("One answer only")), ("multiple", _("Several answers"))],
                coerce=lambda value: value == "single",
                initial="single",
                widget=forms.RadioSelect,
            ),
            "shuffle_answers": checkbox(_("Shuffle the choices"), initial=True),
            "answer_numbering": forms.ChoiceField(
                label=_("Number the choices?"),
                choices=AnswerNumbering.choices,
                initial=AnswerNumbering.LOWER,
                required=False,
            ),
            **combined_feedback_form_fields(),
        }

    def initial(self, question):
        return {
            **super().initial(question),
            "single": "single" if question["single"] else "multiple",
        }

    def row_fields(self):
        return {
            "text": text_area(_("Choice")),
            "fraction": fraction_field(),
            "feedback": feedback_field(),
        }

    # -- GIFT ------------------------------------------------------------------------
    def gift_matches(self, spec):
        return "~" in spec

    def gift_read(self, reader, section, offset):
        answers = []
        for answer, at in reader.split(section, offset, "~="):
            if answer.startswith("="):
                fraction, body = 100.0, answer[1:]
            else:
                fraction, body = reader.weight(reader.unmarked(answer, "~"), at, 0.0)
            answers.append(reader.answer(body, fraction=fraction))
        # Moodle: without a "=" answer, several answers may be chosen.
        return {"single": "=" in section, "answers": answers}

    def gift_write(self, writer):
        rows = []
        for answer in writer.question["answers"]:
            fraction = answer["fraction"]
            if fraction == 100 and writer.question["single"]:
                marker = "="
            elif fraction == 0 and not answer["text"].startswith("%"):
                marker = "~"
            else:
                marker = f"~%{format_number(fraction)}%"
            rows.append(marker + writer.answer_text(answer) + writer.answer_feedback(answer))
        return writer.lines("{", rows)

    # -- Moodle XML ------------------------------------------------------------------
    def xml_read(self, reader):
        if reader.setting("showstandardinstruction", "0").strip() not in ("", "0"):
            reader.warn(_("the standard instruction (“Select one:”...) is not shown: left out"))
        return {
            "single": reader.flag("single", "true"),
            "shuffle_answers": reader.flag("shuffleanswers", "false"),
            # An empty <answernumbering> (some Moodle 1.8 files) is Moodle's default.
            "answer_numbering": reader.choice("answernumbering", AnswerNumbering),
            **reader.combined_feedback(),
            "answers": reader.graded_answers(),
        }

    def xml_write(self, writer):
        question = writer.question
        return (
            writer.element("single", writer.yes_no(question["single"]))
            + writer.element("shuffleanswers", writer.yes_no(question["shuffle_answers"]))
            + writer.element("answernumbering", question.get("answer_numbering", "abc"))
            + writer.element("showstandardinstruction", "0")
            + writer.combined_feedback()
            + "".join(writer.answer(answer) for answer in question["answers"])
        )


TYPE = Multichoice()
