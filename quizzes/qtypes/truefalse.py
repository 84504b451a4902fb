"""True/false: learners say whether a statement is true.

The question has exactly two answers, "true" and "false", one at 100 % and
the other at 0 %, each with its feedback (Moodle's qtype_truefalse). A
response is a boolean.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quizzes.fields import ANSWER_FIELDS, defaults, error
from quizzes.qtypes.base import (
    QuestionType,
    answer_error,
    feedback_field,
    filled,
    format_select,
    given_format,
    reset_unused,
    shown_format,
)

TRUE_WORDS = ("T", "TRUE")
GIFT_WORDS = ("T", "TRUE", "F", "FALSE")


def truefalse_answers(correct, feedback_true="", feedback_false=""):
    """The two answers of a truefalse question whose right answer is `correct`."""
    blank = defaults(ANSWER_FIELDS)
    return [
        {**blank, "text": "true", "fraction": 100.0 if correct else 0.0, "feedback": feedback_true},
        {
            **blank,
            "text": "false",
            "fraction": 0.0 if correct else 100.0,
            "feedback": feedback_false,
        },
    ]


def true_and_false(question):
    """(the "true" answer, the "false" answer) of a valid question."""
    true, false = sorted(question["answers"], key=lambda answer: answer["text"] != "true")
    return true, false


class TrueFalse(QuestionType):
    name = "truefalse"
    label = _("True/false")
    summary = _("Learners say whether a statement is true or false.")
    answer_fields = ("text", "fraction", "feedback", "text_format", "feedback_format")
    gift_order = 50
    # Answer fields shown by the form's own inputs: index 0 is "true", 1 is "false".
    ANSWER_INPUTS = {
        (0, "feedback"): "feedback_true",
        (1, "feedback"): "feedback_false",
        (0, "uid"): "true_uid",
        (1, "uid"): "false_uid",
    }

    def validate(self, question, errors):
        rows = filled(question["answers"])
        reset_unused(rows, self.answer_fields)
        for index, answer in rows:
            answer["text"] = answer["text"].lower()
            if answer["text"] not in ("true", "false"):
                answer_error(errors, index, "text", _("Write “true” or “false”."), "truefalse_text")
        if errors.has("answers"):
            return
        if sorted(answer["text"] for _index, answer in rows) != ["false", "true"]:
            message = _("A true/false question has exactly two answers, “true” and “false”.")
            errors.add("answers", error(message, "truefalse_answers"))
        elif sorted(answer["fraction"] for _index, answer in rows) != [0, 100]:
            message = _("Give 100 % to the right answer and 0 % to the other one.")
            errors.add("answers", error(message, "truefalse_fractions"))

    # -- learners ----------------------------------------------------------------------
    response_schema = {"type": "boolean", "description": "truefalse"}
    response_message = _("Give true or false.")

    def response_fits(self, question, response):
        return isinstance(response, bool)

    def read_response(self, post, name, view):
        return {"true": True, "false": False}.get(post.get(name))

    # -- grading -----------------------------------------------------------------------
    def grade(self, question, response):
        if not isinstance(response, bool):
            return 0, []
        word = "true" if response else "false"
        chosen = [answer for answer in question["answers"] if answer["text"] == word]
        return sum(answer["fraction"] for answer in chosen), chosen

    def marks(self, question, response):
        if not isinstance(response, bool):
            return {}
        percent, _chosen = self.grade(question, response)
        return {"true" if response else "false": percent > 0}

    def answer_options(self, question):
        return [(True, gettext("True")), (False, gettext("False"))]

    def right_answer(self, question):
        true, _false = true_and_false(question)
        shown = gettext("True") if true["fraction"] == 100 else gettext("False")
        return gettext("The correct answer is: %(answer)s") % {"answer": shown}

    # -- editor ------------------------------------------------------------------------
    def form_fields(self):
        return {
            "correct": forms.TypedChoiceField(
                label=_("Correct answer"),
                choices=[("true", _("True")), ("false", _("False"))],
                coerce=lambda value: value == "true",
                initial="true",
                widget=forms.RadioSelect,
            ),
            "feedback_true": feedback_field(_("Feedback for the answer “True”")),
            "feedback_true_format": format_select(),
            "feedback_false": feedback_field(_("Feedback for the answer “False”")),
            "feedback_false_format": format_select(),
            # The words' own formats (Moodle files set them), kept as they are.
            "true_text_format": forms.CharField(required=False, widget=forms.HiddenInput),
            "false_text_format": forms.CharField(required=False, widget=forms.HiddenInput),
            # The answers' identities (quizzes.validation.ANSWER_UID), kept by saving.
            "true_uid": forms.CharField(required=False, widget=forms.HiddenInput),
            "false_uid": forms.CharField(required=False, widget=forms.HiddenInput),
        }

    def initial(self, question):
        by_text = {answer["text"]: answer for answer in question["answers"]}
        true, false = by_text.get("true", {}), by_text.get("false", {})
        initial = {"correct": "true" if true.get("fraction", 100) >= 100 else "false"}
        for word, answer in (("true", true), ("false", false)):
            initial[f"feedback_{word}"] = answer.get("feedback", "")
            initial[f"feedback_{word}_format"] = shown_format(
                answer.get("feedback_format"), question
            )
            initial[f"{word}_text_format"] = shown_format(answer.get("text_format"), question)
            initial[f"{word}_uid"] = answer.get("uid", "")
        return initial

    def from_form(self, cleaned):
        return {}

    def form_answers(self, cleaned):
        answers = truefalse_answers(
            cleaned["correct"], cleaned["feedback_true"], cleaned["feedback_false"]
        )
        for answer in answers:
            word = answer["text"]
            answer["feedback_format"] = given_format(cleaned[f"feedback_{word}_format"])
            answer["text_format"] = given_format(cleaned[f"{word}_text_format"])
            answer["uid"] = cleaned[f"{word}_uid"] or None
        return answers

    def form_field_of_answer(self, index, field):
        return self.ANSWER_INPUTS.get((index, field))

    # -- GIFT ------------------------------------------------------------------------
    def gift_matches(self, spec):
        return spec.split("#", 1)[0].strip() in GIFT_WORDS

    def gift_read(self, reader, section, offset):
        word, wrong, right = [*section.strip().split("#", 2), "", ""][:3]
        correct = word.strip() in TRUE_WORDS
        right, wrong = reader.feedback(right), reader.feedback(wrong)
        feedback_true, feedback_false = (right, wrong) if correct else (wrong, right)
        answers = truefalse_answers(correct)
        answers[0].update(feedback_true)
        answers[1].update(feedback_false)
        # Moodle's GIFT import gives a true/false question a penalty of 1: one try.
        return {"penalty": 1.0, "answers": answers}

    def gift_write(self, writer):
        true, false = true_and_false(writer.question)
        correct = true["fraction"] == 100
        right, wrong = (true, false) if correct else (false, true)
        feedbacks = ""
        if wrong["feedback"] or right["feedback"]:
            feedbacks = writer.answer_feedback(wrong, always=True)
        if right["feedback"]:
            feedbacks += writer.answer_feedback(right)
        word = "TRUE" if correct else "FALSE"
        return "{" + word + feedbacks + writer.general_feedback("", "") + "}"

    # -- Moodle XML ------------------------------------------------------------------
    def xml_read(self, reader):
        correct, read = None, {}
        for index, answer in enumerate(reader.element.findall("answer")):
            word = reader.text_of(answer)
            if word not in ("true", "false"):
                # Old Moodle files wrote the answers in the teacher's language, true first.
                word = "true" if index == 0 else "false"
            right = reader.fraction(answer) == 100
            correct = right if word == "true" else not right
            read[word] = {"text_format": reader.format(answer), **reader.answer_feedback(answer)}
        if correct is None:
            raise reader.error(_("a true/false question needs its answers “true” and “false”"))
        answers = truefalse_answers(correct)
        for answer in answers:
            answer.update(read.get(answer["text"], {}))
        return {"answers": answers}

    def xml_write(self, writer):
        return "".join(writer.answer(answer) for answer in true_and_false(writer.question))


TYPE = TrueFalse()
