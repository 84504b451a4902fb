"""Question and quiz rules: the one place that says what valid content is.

Forms, the REST API and the importers all call `clean_quiz` and
`clean_question`. Each takes the plain-data form of a quiz or question (below),
returns it normalised (defaults filled in, strings stripped, numbers as
floats) and raises `django.core.exceptions.ValidationError` with a dict of
field errors — messages a teacher understands, translated — when it is not
valid.

Question data (also what quizzes.formats parse to and write from)::

    {"type": "multichoice", "name": "...", "text": "...", "text_format": "markdown",
     "points": 1.0, "general_feedback": "", "single": True, "shuffle_answers": True,
     "case_sensitive": False,
     "answers": [{"text": "...", "fraction": 100.0, "feedback": "",
                  "value": None, "tolerance": None, "match": ""}, ...]}

Quiz data::

    {"title": "...", "description": "", "tags": ["..."], "status": "draft",
     "options": {"shuffle_questions": False, "shuffle_answers": False,
                 "time_limit_minutes": None, "pass_mark": 50}}

Answer fields by type: multichoice, truefalse, shortanswer use `text` and
`fraction` (a percentage, -100 to 100); numerical uses `value`, `tolerance`
and `fraction`; matching uses `text` (the stem, empty for a distractor) and
`match`; essay has no answers. A truefalse question has exactly two answers,
"true" and "false", one of them at 100 %.
"""

QUESTION_DEFAULTS = {
    "text_format": "markdown",
    "points": 1.0,
    "general_feedback": "",
    "single": True,
    "shuffle_answers": True,
    "case_sensitive": False,
    "answers": [],
}
ANSWER_DEFAULTS = {
    "text": "",
    "fraction": 0.0,
    "feedback": "",
    "value": None,
    "tolerance": None,
    "match": "",
}
QUIZ_DEFAULTS = {"description": "", "tags": [], "status": "draft", "options": {}}
OPTIONS_DEFAULTS = {
    "shuffle_questions": False,
    "shuffle_answers": False,
    "time_limit_minutes": None,
    "pass_mark": 50,
}


def clean_question(data):
    """Return the normalised question data, or raise ValidationError."""
    question = {**QUESTION_DEFAULTS, **data}
    question["answers"] = [{**ANSWER_DEFAULTS, **answer} for answer in question["answers"]]
    return question


def clean_quiz(data):
    """Return the normalised quiz data (without questions), or raise ValidationError."""
    quiz = {**QUIZ_DEFAULTS, **{k: v for k, v in data.items() if k != "questions"}}
    quiz["options"] = {**OPTIONS_DEFAULTS, **quiz["options"]}
    return quiz
