"""Short answer: learners type a word or a phrase.

Accepted answers have a text, where `*` stands for any characters, and a
fraction (0 to 100 %, at least one at 100 %); the best matching answer
counts (Moodle's qtype_shortanswer). `case_sensitive` says whether letter
case matters. A response is a string.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quizzes.qtypes.base import (
    QuestionType,
    best_of,
    check_accepted_answers,
    check_texts,
    checkbox,
    feedback_field,
    filled,
    fraction_field,
    normalise_text,
    reset_unused,
    wildcard_match,
)


class ShortAnswer(QuestionType):
    name = "shortanswer"
    label = _("Short answer")
    summary = _("Learners type a word or a short phrase.")
    extra_fields = ("case_sensitive",)
    answer_fields = ("text", "fraction", "feedback", "text_format", "feedback_format")
    blank_rows = 3
    row_label = _("Answer")
    add_label = _("Add an answer")
    help_text = _(
        "List every answer you accept, each with its grade; at least one at 100 %. "
        "A * stands for any characters: “*colour*” accepts “the colour red”."
    )
    gift_order = 60  # what no other type claims

    def validate(self, question, errors):
        rows = filled(question["answers"])
        reset_unused(rows, self.answer_fields)
        check_texts(errors, rows)
        check_accepted_answers(errors, rows, _("Give at least one accepted answer."))

    # -- learners ----------------------------------------------------------------------
    response_schema = {"type": "string", "description": "shortanswer: the learner's words"}

    # -- grading -----------------------------------------------------------------------
    def grade(self, question, response):
        if not isinstance(response, str):
            return 0, []
        case_sensitive = question["case_sensitive"]
        given = normalise_text(response, case_sensitive)
        return best_of(
            answer
            for answer in question["answers"]
            if wildcard_match(normalise_text(answer["text"], case_sensitive), given)
        )

    def right_answer(self, question):
        best = max(question["answers"], key=lambda answer: answer["fraction"])
        return gettext("The correct answer is: %(answer)s") % {"answer": best["text"]}

    # -- editor ------------------------------------------------------------------------
    def form_fields(self):
        return {
            "case_sensitive": checkbox(
                _("Case sensitive"),
                help_text=_("When ticked, “Paris” and “paris” are different answers."),
            )
        }

    def row_fields(self):
        return {
            "text": forms.CharField(label=_("Accepted answer"), required=False),
            "fraction": fraction_field(),
            "feedback": feedback_field(),
        }

    # -- GIFT ------------------------------------------------------------------------
    def gift_matches(self, spec):
        return True

    def gift_read(self, reader, section, offset):
        answers = []
        for answer, at in reader.split(section, offset, "="):
            fraction, body = reader.weight(reader.unmarked(answer, "="), at, 100.0)
            # Moodle keeps an accepted answer's words, not the format it was written in.
            answers.append(reader.answer(body, fraction=fraction, text_format=reader.text_format))
        return {"answers": answers}

    def gift_write(self, writer):
        # As Moodle: every answer with its weight and a "#", feedback or not.
        rows = [
            f"={writer.weight(answer)}{writer.escape(answer['text'])}"
            f"{writer.answer_feedback(answer, always=True)}"
            for answer in writer.question["answers"]
        ]
        return writer.lines("{", rows)

    # -- Moodle XML ------------------------------------------------------------------
    def xml_read(self, reader):
        answers = reader.graded_answers(text=reader.text_of)
        return {"case_sensitive": reader.flag("usecase", "0"), "answers": answers}

    def xml_write(self, writer):
        question = writer.question
        return writer.element("usecase", int(question["case_sensitive"])) + "".join(
            writer.answer(answer) for answer in question["answers"]
        )


TYPE = ShortAnswer()
