"""Demo content: three realistic quizzes that use every question type, with feedback.

`python manage.py seed_demo` gives them to the demo teacher, so that a first
`make run` shows the product at work. Written as quizzes.validation's plain
data and created through quizzes.operations, like any other content.
"""

from django.contrib.auth import get_user_model

from quizzes import operations
from sessions_mw.outside import run_in_transaction

USERNAME = "demo"
# For development only (seed_demo refuses to run with DEBUG off unless forced);
# OPENQUIZZ_DEMO_PASSWORD overrides it.
DEFAULT_PASSWORD = "openquizz-demo"  # noqa: S105 - documented development password


def answer(text="", fraction=0, feedback="", **fields):
    return {"text": text, "fraction": fraction, "feedback": feedback, **fields}


def number(value, tolerance=0, fraction=100, feedback=""):
    return answer(value=value, tolerance=tolerance, fraction=fraction, feedback=feedback)


def pair(stem, match):
    return {"text": stem, "match": match}


SOLAR_SYSTEM = (
    {
        "title": "The Solar System",
        "description": (
            "A short check on **the planets and the Sun**, for year 7 science.\n\n"
            "You may use your notes. Each question tells you how many points it is worth."
        ),
        "tags": ["science", "astronomy", "year 7"],
        "status": "published",
        "options": {"shuffle_answers": True, "time_limit_minutes": 15, "pass_mark": 60},
    },
    [
        {
            "type": "description",
            "name": "Before you start",
            "text": "The first questions are about the **planets**; the last ones about the Sun.",
        },
        {
            "type": "cloze",
            "name": "Inner planets",
            "text": (
                "The planet closest to the Sun is {1:MC:=Mercury~Venus~Mars}. "
                "The Earth is the {1:NM:=3:0#Count from the Sun.} planet from the Sun, "
                "and its only natural satellite is called the {1:SA:=Moon#Right!~%50%Luna#"
                "That is its Latin name.}."
            ),
            "points": 3,
            "general_feedback": "Mercury, Venus, the Earth and Mars are the rocky planets.",
        },
        {
            "type": "multichoice",
            "name": "Largest planet",
            "text": "Which planet is the **largest** in the Solar System?",
            "general_feedback": "Jupiter is more than twice as massive as all the other planets combined.",
            "answers": [
                answer("Jupiter", 100, "Right: about 11 times the diameter of the Earth."),
                answer("Saturn", 0, "Saturn is the second largest."),
                answer("The Earth", 0, "The Earth is the largest of the rocky planets only."),
                answer("Neptune", 0, "Neptune is an ice giant, smaller than Jupiter and Saturn."),
            ],
        },
        {
            "type": "multichoice",
            "name": "Rocky planets",
            "text": "Which of these are **rocky** (terrestrial) planets? Choose all that apply.",
            "single": False,
            "answers": [
                answer("Mercury", 50, "Yes: the closest rocky planet to the Sun."),
                answer("Mars", 50, "Yes: the red planet is rocky."),
                answer("Jupiter", -50, "No: Jupiter is a gas giant."),
                answer("Uranus", -50, "No: Uranus is an ice giant."),
            ],
        },
        {
            "type": "truefalse",
            "name": "Sun is a star",
            "text": "The Sun is a star.",
            "answers": [
                answer("true", 100, "Yes: a yellow dwarf, the closest star to us."),
                answer("false", 0, "It is: the Sun is a medium-sized star."),
            ],
        },
        {
            "type": "numerical",
            "name": "Number of planets",
            "text": "How many planets orbit the Sun?",
            "answers": [number(8, 0, 100, "Since 2006, Pluto counts as a dwarf planet.")],
        },
        {
            "type": "matching",
            "name": "Planet facts",
            "text": "Match each planet with what it is known for.",
            "points": 3,
            "general_feedback": "“Its Great Red Spot” was the odd one out: that storm is on Jupiter.",
            "answers": [
                pair("Mars", "The red planet"),
                pair("Saturn", "Its bright rings"),
                pair("Venus", "The hottest surface"),
                pair("", "Its Great Red Spot"),
            ],
        },
        {
            "type": "essay",
            "name": "Life on Mars",
            "text": "In a few sentences: why do scientists look for signs of water on Mars?",
            "points": 4,
            "general_feedback": (
                "A good answer links liquid water to life as we know it, and mentions "
                "the dry river beds or polar ice seen on Mars."
            ),
        },
    ],
)

FRACTIONS = (
    {
        "title": "Fractions and percentages",
        "description": "Practice for year 8 maths. Give numbers in decimal form, e.g. `0.75`.",
        "tags": ["maths", "fractions", "year 8"],
        "status": "draft",
        "options": {"shuffle_questions": True, "pass_mark": 50},
    },
    [
        {
            "type": "numerical",
            "name": "Three quarters as a decimal",
            "text": "Write 3/4 as a decimal number.",
            "answers": [
                number(0.75, 0, 100, "Right: 3 ÷ 4 = 0.75."),
                number(75, 0, 0, "That is the percentage: divide by 100."),
            ],
        },
        {
            "type": "numerical",
            "name": "A third, rounded",
            "text": "Write 1/3 as a decimal, to two decimal places.",
            "answers": [
                number(0.33, 0.005, 100, "Right: 0.333… rounds to 0.33."),
                number(0.3, 0.05, 50, "Close: give two decimal places."),
            ],
        },
        {
            "type": "multichoice",
            "name": "Equivalent fractions",
            "text": "Which fraction is equal to 50 %?",
            "answers": [
                answer("2/4", 100, "Yes: 2/4 = 1/2 = 50 %."),
                answer("1/5", 0, "1/5 is 20 %."),
                answer("5/100", 0, "5/100 is 5 %."),
                answer("1/50", -25, "1/50 is only 2 %."),
            ],
        },
        {
            "type": "shortanswer",
            "name": "Name the top number",
            "text": "What is the top number of a fraction called?",
            "answers": [
                answer("numerator", 100, "Right: the bottom one is the denominator."),
                answer("denominator", 0, "That is the bottom number."),
            ],
        },
        {
            "type": "truefalse",
            "name": "Percent over 100",
            "text": "A percentage can be greater than 100 %.",
            "general_feedback": "150 % of 20 is 30: percentages above 100 mean more than the whole.",
            "answers": [answer("true", 100), answer("false", 0)],
        },
    ],
)

CAPITALS = (
    {
        "title": "European capitals",
        "description": "Geography revision: the capital cities of Europe.",
        "tags": ["geography", "europe"],
        "status": "draft",
        "options": {"pass_mark": 70},
    },
    [
        {
            "type": "shortanswer",
            "name": "Capital of Portugal",
            "text": "What is the capital city of Portugal?",
            "answers": [
                answer("Lisbon", 100, "Right!"),
                answer("Lisboa", 100, "Right: Lisboa in Portuguese."),
                answer("Porto", 0, "Porto is the second largest city."),
            ],
        },
        {
            "type": "matching",
            "name": "Countries and capitals",
            "text": "Match each country with its capital.",
            "points": 4,
            "general_feedback": "Oslo is the capital of Norway, which was not in the list.",
            "answers": [
                pair("Germany", "Berlin"),
                pair("Italy", "Rome"),
                pair("Poland", "Warsaw"),
                pair("Sweden", "Stockholm"),
                pair("", "Oslo"),
            ],
        },
        {
            "type": "multichoice",
            "name": "Capital on two continents",
            "text": "Which city lies on **two continents**, Europe and Asia?",
            "answers": [
                answer("Istanbul", 100, "Yes, though the capital of Türkiye is Ankara."),
                answer("Athens", 0),
                answer("Moscow", 0, "Moscow is entirely in Europe."),
            ],
        },
        {
            "type": "essay",
            "name": "Choosing a capital",
            "text": "Why might a country choose a city that is *not* its largest as its capital?",
            "points": 3,
            "general_feedback": "Mercury, Venus, the Earth and Mars are the rocky planets.",
        },
    ],
)

QUIZZES = (SOLAR_SYSTEM, FRACTIONS, CAPITALS)


def seed(password):
    """Make sure the demo teacher exists with `password` and owns every demo quiz.

    Idempotent: a demo quiz the teacher already has (by title) is left as it
    is. Everything is written in one transaction (retried whole on a transient
    error). Returns (teacher, titles of the quizzes created now).
    """
    return run_in_transaction(lambda: seed_once(password))


def seed_once(password):
    teacher, _created = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"first_name": "Demo", "last_name": "Teacher"}
    )
    teacher.set_password(password)
    teacher.save()
    existing = set(teacher.quizzes.values_list("title", flat=True))
    created = []
    for quiz, questions in QUIZZES:
        if quiz["title"] not in existing:
            operations.create_quiz(teacher, quiz, questions)
            created.append(quiz["title"])
    return teacher, created
