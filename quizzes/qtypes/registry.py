"""The question types: the one list of them. Everything else looks a type up here.

    registry.get("numerical")         # the QuestionType object, KeyError if unknown
    registry.of(question_data)         # the type of a question (plain data or model)
    registry.TYPES                     # {name: type}, in the order teachers see them

Adding a type: see docs/architecture.md ("Adding a question type").
"""

from quizzes.qtypes import (
    cloze,
    description,
    essay,
    matching,
    multichoice,
    numerical,
    shortanswer,
    truefalse,
)

TYPES = {
    qtype.name: qtype
    for qtype in (
        multichoice.TYPE,
        truefalse.TYPE,
        shortanswer.TYPE,
        numerical.TYPE,
        matching.TYPE,
        essay.TYPE,
        description.TYPE,
        cloze.TYPE,
    )
}


def get(name):
    """The question type called `name`; KeyError when there is none."""
    return TYPES[name]


def of(question):
    """The type of `question` (its plain data, or a Question model)."""
    name = question["type"] if isinstance(question, dict) else question.type
    return TYPES[name]


def names():
    return list(TYPES)


def choices():
    """(name, label) of every type, for model and form choices."""
    return [(qtype.name, qtype.label) for qtype in TYPES.values()]


def by_xml_name(name):
    """The type Moodle XML calls `name` (OpenQuizz's own name is understood too), or None."""
    for qtype in TYPES.values():
        if name == qtype.name or name in qtype.xml_names:
            return qtype
    return None


GIFT_TYPES = tuple(
    sorted(
        (qtype for qtype in TYPES.values() if qtype.gift_order is not None),
        key=lambda qtype: qtype.gift_order,
    )
)


def gift_types():
    """The types GIFT writes with an answer block, in the order its reader tries them."""
    return GIFT_TYPES


def gift_bare_text():
    """The type of a GIFT block without an answer block."""
    return next(qtype for qtype in TYPES.values() if qtype.gift_bare_text)
