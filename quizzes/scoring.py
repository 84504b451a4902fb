"""Grading: what a learner sees of a question, and what an answer is worth.

Pure functions over the plain question data of `quizzes.validation` (already
cleaned); nothing here touches the database.

Responses, one per question, as a learner submits them:

- multichoice, single: the chosen choice id (an int; a string of digits also
  does), ids being indices in the stored answers; multiple: a list of ids;
- truefalse: a bool;
- shortanswer, essay: a string;
- numerical: a number or a numeric string ("3.14" or "3,14");
- matching: {stem id: chosen match text}, ids as ints or strings.

None, an empty string, list or dict mean unanswered. A response of the wrong
shape is graded as wrong (0 points), never an error; unknown ids are ignored.
The rules follow Moodle's question types (see `grade_question`).
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from quizzes.validation import FieldError, parse_number

CORRECT = "correct"
PARTIAL = "partial"
INCORRECT = "incorrect"
UNANSWERED = "unanswered"
NEEDS_GRADING = "needs_grading"

# Awarded fractions this close to 1 or 0 are full or no marks: a multiple-answer
# question whose grades add up to 99.99 % (three at 33.33 %) is still fully right
# (quizzes.validation accepts sums within 0.01 % of 100).
FULL_MARKS_SLACK = 0.0001
FLOAT_ROUNDING = 1e-9
# Longest string read as a choice id (no quiz has that many answers; int() of
# thousands of digits is refused by Python anyway).
ID_DIGITS_MAX = 9


@dataclass(frozen=True)
class Grade:
    """How one response to one question was graded.

    `fraction` is the share of `max_points` awarded (0 to 1); `feedback` holds
    the feedback of the answers the learner chose or matched, in order.
    """

    points: float
    max_points: float
    fraction: float
    state: str
    feedback: list = field(default_factory=list)
    general_feedback: str = ""
    right_answer: str = ""

    @property
    def feedback_text(self):
        """The feedback as one text, as QuestionResult.feedback stores it."""
        return "\n\n".join(self.feedback)


@dataclass(frozen=True)
class AttemptGrade:
    """A whole attempt: totals and one (question id, response, Grade) per question."""

    score: float
    max_score: float
    percent: float
    passed: bool
    results: list

    def result_rows(self):
        """Keyword arguments for quizzes.models.QuestionResult, one dict per question."""
        return [
            {
                "question": question_id,
                "response": response,
                "points": grade.points,
                "max_points": grade.max_points,
                "state": grade.state,
                "feedback": grade.feedback_text,
            }
            for question_id, response, grade in self.results
        ]


# -- what learners see ----------------------------------------------------------
def learner_view(question):
    """The part of a question a learner may see: no grades, feedback or accepted answers."""
    view = {key: question[key] for key in ("type", "name", "text", "text_format", "points")}
    answers = question.get("answers", [])
    if question["type"] == "multichoice":
        view["single"] = question.get("single", True)
        view["shuffle_answers"] = question.get("shuffle_answers", True)
        view["choices"] = [{"id": i, "text": answer["text"]} for i, answer in enumerate(answers)]
    elif question["type"] == "matching":
        view["shuffle_answers"] = question.get("shuffle_answers", True)
        view["stems"] = [{"id": i, "text": answer["text"]} for i, answer in stems(answers)]
        view["options"] = sorted({answer["match"] for answer in answers if answer["match"]})
    return view


def stems(answers):
    """(id, answer) for the matching rows that ask something (not distractors)."""
    return [(i, answer) for i, answer in enumerate(answers) if answer["text"]]


# -- reading responses ------------------------------------------------------------
def is_unanswered(response):
    if isinstance(response, str):
        return not response.strip()
    return response is None or (isinstance(response, list | dict) and not response)


def choice_id(value, count):
    """`value` as an answer index below `count`, or None when it is not one."""
    if isinstance(value, str) and value.strip().isdecimal() and len(value) <= ID_DIGITS_MAX:
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count:
        return value
    return None


def number_or_none(value):
    try:
        return parse_number(value)
    except FieldError:
        return None


def normalise_text(text, case_sensitive):
    """Trimmed, inner whitespace collapsed, case folded unless `case_sensitive`."""
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def wildcard_match(pattern, text):
    """Whether `text` matches `pattern`, where `*` stands for any run of characters.

    Done with plain substring searches rather than a regular expression, so
    that no pattern a teacher writes can make matching slow.
    """
    first, *middle_and_last = pattern.split("*")
    if not middle_and_last:
        return text == pattern
    *middle, last = middle_and_last
    end = len(text) - len(last)
    if not (text.startswith(first) and text.endswith(last) and len(first) <= end):
        return False
    position = len(first)
    for piece in middle:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def within_tolerance(response, value, tolerance):
    """|response - value| <= tolerance, a bound itself included despite float rounding."""
    rounding = 8 * math.ulp(max(abs(response), abs(value), tolerance))
    return abs(response - value) <= tolerance + rounding


# -- one grader per question type --------------------------------------------------
# Each takes the question and a response known not to be unanswered, and
# returns (percentage earned, [the answers chosen or matched]); grade_question
# clamps the percentage to 0..100.
def grade_multichoice(question, response):
    answers = question["answers"]
    if question.get("single", True):
        chosen_ids = [choice_id(response, len(answers))]
    elif isinstance(response, list):
        chosen_ids = {choice_id(item, len(answers)) for item in response}
    else:
        chosen_ids = []
    chosen = [answer for i, answer in enumerate(answers) if i in chosen_ids]
    return sum(answer["fraction"] for answer in chosen), chosen


def grade_truefalse(question, response):
    if not isinstance(response, bool):
        return 0, []
    chosen = [a for a in question["answers"] if a["text"] == ("true" if response else "false")]
    return sum(answer["fraction"] for answer in chosen), chosen


def grade_shortanswer(question, response):
    if not isinstance(response, str):
        return 0, []
    case_sensitive = question.get("case_sensitive", False)
    given = normalise_text(response, case_sensitive)
    return best_of(
        answer
        for answer in question["answers"]
        if wildcard_match(normalise_text(answer["text"], case_sensitive), given)
    )


def grade_numerical(question, response):
    number = number_or_none(response)
    if number is None:
        return 0, []
    return best_of(
        answer
        for answer in question["answers"]
        if within_tolerance(number, answer["value"], answer["tolerance"] or 0)
    )


def best_of(matching_answers):
    """The fraction and feedback of the best answer among those that match."""
    best = max(matching_answers, key=lambda answer: answer["fraction"], default=None)
    return (0, []) if best is None else (best["fraction"], [best])


def grade_matching(question, response):
    if not isinstance(response, dict):
        return 0, []
    asked = stems(question["answers"])
    given = {}
    for key, match in response.items():
        stem = choice_id(key, len(question["answers"]))
        if stem is not None and isinstance(match, str):
            given[stem] = match.strip()
    right = sum(1 for i, answer in asked if given.get(i) == answer["match"])
    answered = [answer for i, answer in asked if i in given]
    return (100 * right / len(asked) if asked else 0), answered


GRADERS = {
    "multichoice": grade_multichoice,
    "truefalse": grade_truefalse,
    "shortanswer": grade_shortanswer,
    "numerical": grade_numerical,
    "matching": grade_matching,
}


# -- the right answer, in words -----------------------------------------------------
def format_number(number):
    return str(int(number)) if number.is_integer() else str(number)


def right_answer(question):
    """A summary of the right answer, as Moodle shows it after a question is graded."""
    answers = question["answers"]
    kind = question["type"]
    if kind == "essay" or not answers:
        return ""
    if kind == "multichoice" and not question.get("single", True):
        right = [answer["text"] for answer in answers if answer["fraction"] > 0]
        return _("The correct answers are: %(answers)s") % {"answers": ", ".join(right)}
    if kind == "matching":
        shown = ", ".join(f"{answer['text']} → {answer['match']}" for _i, answer in stems(answers))
    else:
        best = max(answers, key=lambda answer: answer["fraction"])
        shown = {
            "truefalse": lambda: _("True") if best["text"] == "true" else _("False"),
            "numerical": lambda: format_number(best["value"]),
        }.get(kind, lambda: best["text"])()
    return _("The correct answer is: %(answer)s") % {"answer": shown}


# -- grading ------------------------------------------------------------------------
def state_for(fraction):
    if fraction >= 1:
        return CORRECT
    return PARTIAL if fraction > 0 else INCORRECT


def grade_question(question, response):
    """Grade one response to one question (cleaned question data); see the module doc.

    multichoice single: the chosen answer's fraction (a negative one scores 0);
    multiple: the chosen fractions summed and clamped to 0..100 %; truefalse:
    100 or 0 %; shortanswer: the best accepted answer matching the response;
    numerical: the best answer whose value ± tolerance contains the response;
    matching: the share of stems matched right; essay: 0 points, to be graded
    by the teacher (its points still count in the attempt's maximum).
    """
    max_points = float(question["points"])
    common = {
        "max_points": max_points,
        "general_feedback": question.get("general_feedback", ""),
        "right_answer": right_answer(question),
    }
    if is_unanswered(response):
        return Grade(points=0.0, fraction=0.0, state=UNANSWERED, **common)
    if question["type"] == "essay":
        state = NEEDS_GRADING if isinstance(response, str) else INCORRECT
        return Grade(points=0.0, fraction=0.0, state=state, **common)
    percent, chosen = GRADERS[question["type"]](question, response)
    fraction = min(max(percent / 100, 0.0), 1.0)
    if 1 - fraction <= FULL_MARKS_SLACK + FLOAT_ROUNDING:
        fraction = 1.0
    elif fraction <= FULL_MARKS_SLACK + FLOAT_ROUNDING:
        fraction = 0.0
    return Grade(
        points=round(max_points * fraction, 2),
        fraction=fraction,
        state=state_for(fraction),
        feedback=[answer["feedback"] for answer in chosen if answer["feedback"]],
        **common,
    )


def grade_attempt(questions, responses, pass_mark=50):
    """Grade a whole attempt.

    `questions`: [(question id, question data)] in quiz order; `responses`:
    {question id: response} (a missing id is unanswered). The score is
    passed when its percentage reaches `pass_mark`.
    """
    if not isinstance(responses, dict):
        responses = {}
    results = [
        (
            question_id,
            responses.get(question_id),
            grade_question(question, responses.get(question_id)),
        )
        for question_id, question in questions
    ]
    score = round(sum(grade.points for _id, _response, grade in results), 2)
    max_score = round(sum(grade.max_points for _id, _response, grade in results), 2)
    percent = round(100 * score / max_score, 2) if max_score else 0.0
    return AttemptGrade(
        score=score,
        max_score=max_score,
        percent=percent,
        passed=percent >= pass_mark,
        results=results,
    )
