"""What a question type is: the class every type module fills in, and the helpers they share.

A question type owns everything that differs from one type to another, and
nothing else: the fields it adds to a question, the rules of its answers,
what a learner sees and sends back, how that is graded, how the editor shows
it, and how GIFT and Moodle XML write it. The rest of the project asks the
registry (`quizzes.qtypes.registry`) for the type of a question and calls
these methods; it never names a type.

Question data is the plain dict of `quizzes.validation` (common fields, the
type's extra fields, and "answers": a list of dicts with the fields of
`quizzes.fields.ANSWER_FIELDS`).
"""

import math

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quizzes import rendering
from quizzes.fields import (
    ANSWER_FIELDS,
    ANSWER_TEXT_MAX,
    FRACTION_RANGE,
    QUESTION_EXTRAS,
    QUESTION_FIELDS,
    TextFormat,
    error,
    number_or_none,
)

# Fractions are percentages; sums within this many points of 100 count as 100
# (three answers at 33.33 % make a full multiple-answer question).
FRACTION_TOLERANCE = 0.01
# Longest string read as a choice id (no question has that many answers; int() of
# thousands of digits is refused by Python anyway).
ID_DIGITS_MAX = 9
# Moodle's grade percentages, in the order its answer grade menu lists them.
POSITIVE_GRADES = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333",
    "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0",
)  # fmt: skip
# Moodle's feedback for any correct, partially correct and incorrect response.
COMBINED_FEEDBACK = (
    "correct_feedback",
    "correct_feedback_format",
    "partially_correct_feedback",
    "partially_correct_feedback_format",
    "incorrect_feedback",
    "incorrect_feedback_format",
    "show_num_correct",
)
CATCH_ALL = "*"  # a numerical answer's text when it accepts any number
NEGATIVE_GRADES = tuple(f"-{grade}" for grade in reversed(POSITIVE_GRADES[:-1]))


class QuestionType:
    """One question type. Subclasses set the attributes and override the hooks they need.

    The defaults describe a type without answers whose response is a text
    (essay is the plainest subclass).
    """

    name = ""  # the stored value, as Moodle names the type
    label = ""
    summary = ""  # one sentence for the teacher choosing a type
    extra_fields = ()  # names in quizzes.fields.QUESTION_EXTRAS this type uses
    answer_fields = ()  # names in quizzes.fields.ANSWER_FIELDS its answers use
    scored = True  # False: no points, nothing to answer (description)
    manual = False  # True: graded by the teacher (essay)
    no_answers_message = _("This type of question has no answers to fill in.")

    # -- editor: answer rows --------------------------------------------------------
    blank_rows = 0  # answer rows a new question starts with
    row_label = ""
    add_label = ""
    help_text = ""  # how to fill in the answers
    grades = POSITIVE_GRADES  # the grade menu of its answer rows

    # The legend of the card of the type's own inputs (None: "Options", or "Answer"
    # for a type without answer rows), and whether that card comes after the rows.
    form_legend = None
    form_fields_after_rows = False

    # -- Moodle XML -----------------------------------------------------------------
    xml_names = ()  # other names Moodle reads for the type (it writes `name`)

    @property
    def has_hints(self):
        """Whether its questions keep hints: not an essay (graded by hand) nor a
        description (nothing to answer), for which Moodle keeps none."""
        return self.scored and not self.manual

    @property
    def hint_parts(self):
        """Whether its hints may show the number correct and clear wrong answers: those
        of the types with combined feedback (Moodle's question_hint_with_parts)."""
        return "show_num_correct" in self.extra_fields

    @property
    def template(self):
        """The learner's template fragment of the type."""
        return f"quizzes/qtypes/{self.name}.html"

    def __str__(self):
        return str(self.label)

    # -- fields and rules --------------------------------------------------------------
    def fields(self):
        """{name: Field} of the question fields this type adds."""
        return {name: QUESTION_EXTRAS[name] for name in self.extra_fields}

    def validate(self, question, errors):
        """Check the type's rules on `question`, normalising its answers in place.

        `question` has every field parsed and its answers as given (blank rows
        included, so that indices match the caller's rows); errors go to
        `errors` (quizzes.fields.Errors) under "answers", "answers[i].field"
        or a field name.
        """
        if filled(question["answers"]):
            errors.add("answers", error(self.no_answers_message, "not_empty"))

    def json_schema(self):
        """What the OpenQuizz JSON schema says of this type beyond the common fields."""
        schema = {"properties": {name: f.json_schema() for name, f in self.fields().items()}}
        if self.scored:
            schema["properties"]["points"] = QUESTION_FIELDS["points"].json_schema()
        if not self.answer_fields:
            schema["properties"]["answers"] = {"maxItems": 0}
        return schema

    # -- learners ----------------------------------------------------------------------
    # The lists of answers (`shown_answer`s) a learner's view has, each shown as HTML.
    learner_texts = ()

    def learner_view(self, question):
        """What the type adds to a learner's view of `question` (no answer key)."""
        return {}

    def learner_html(self, view):
        """`view` (a learner's view of a question of this type) with each text it shows
        rendered to sanitised HTML next to it: the question's `text_html`, and the
        `text_html` of each answer of `learner_texts`, in its own format or the question's."""
        text_format = view["text_format"]
        html = {"text_html": rendering.render(view["text"], text_format)}
        for name in self.learner_texts:
            html[name] = [
                {
                    **shown,
                    "text_html": rendering.render(
                        shown["text"], shown.get("text_format") or text_format
                    ),
                }
                for shown in view[name]
            ]
        return {**view, **html}

    response_schema = {"type": "string", "description": "a text"}  # OpenAPI 3.0; None: none
    response_max_length = ANSWER_TEXT_MAX  # of a text response

    @property
    def response_message(self):
        """What to write when a response does not fit (see `response_fits`)."""
        return gettext("Give a text of at most %(limit)s characters.") % {
            "limit": self.response_max_length
        }

    def response_fits(self, question, response):
        """Whether `response` (not None) has the shape of a response to `question`."""
        return isinstance(response, str) and len(response) <= self.response_max_length

    def is_unanswered(self, response):
        if isinstance(response, str):
            return not response.strip()
        return response is None or (isinstance(response, list | dict) and not response)

    def read_response(self, post, name, view):
        """The response posted by the learner's form (`name`: the question's input name)."""
        return post.get(name, "")

    def learner_context(self, view, name, response, render, shuffle=None):
        """What the type's template shows: `render(text)` makes sanitised HTML; `shuffle`
        (a function shuffling a list in place) is given when answers are to be shuffled."""
        return {}

    def preview(self, text, render):
        """The question text as learners will see it, for the editor's preview."""
        return render(text)

    # -- grading -----------------------------------------------------------------------
    def grade(self, question, response):
        """(percentage earned, [answers chosen or matched]) for an answered response.

        The percentage is clamped to 0..100 by quizzes.scoring; a response of
        the wrong shape earns 0, never an error.
        """
        return 0, []

    def answer_options(self, question):
        """[(answer key, label)] of the answers learners pick from, to count how often
        each was chosen (quizzes.statistics): the key as a response holds it (a list
        response holds several; an object one (stem id, match) pairs). None for a
        type whose responses are free."""
        return None

    def right_answer(self, question):
        """The right answer in words, as Moodle shows it after grading ("" for none)."""
        return ""

    def parts_right(self, question, response):
        """How many parts of `response` are right (Moodle's get_num_parts_right), for a
        type whose questions have parts; None otherwise."""
        return None

    def marks(self, question, response):
        """{part id (text): whether it is right} of each part the learner chose or
        answered (a choice, a matched stem), which the graded question marks right
        or wrong; {} for a type that marks none."""
        return {}

    def response_problem(self, question, response):
        """Why `response` (answered, of the right shape) cannot be submitted as it is, in
        words for the learner (an essay's word limits); None when it can."""
        return None

    # -- editor ------------------------------------------------------------------------
    def form_fields(self):
        """{name: django form field} of the question-level inputs the type adds."""
        return {}

    def initial(self, question):
        """Initial values of `form_fields()` for an existing question."""
        return {name: question[name] for name in self.form_fields()}

    def from_form(self, cleaned):
        """The question fields the type's inputs stand for, from the form's cleaned data."""
        return {name: cleaned[name] for name in self.form_fields()}

    def form_answers(self, cleaned):
        """The answers held by question-level inputs (truefalse); rows hold the others."""
        return []

    def form_field_of_answer(self, index, field):
        """The question-level input that shows answer `index`'s `field`, if any."""
        return None

    def row_fields(self):
        """{name: django form field} of one answer row; None when the type has no rows."""
        return None

    def row_answers(self, question):
        """The answers of `question` its answer rows show (the others: `form_answers`)."""
        return question["answers"]

    def row_initial(self, answer, initial):
        """The initial values of an answer's row (`initial`: the values of its fields)."""
        return initial

    def from_row(self, answer):
        """The answer data of a row's values (`answer`: its fields, blanks as None)."""
        return answer

    # -- GIFT ------------------------------------------------------------------------
    gift_order = None  # place in GIFT's type detection; None: not written in GIFT
    gift_bare_text = False  # True: the type of a GIFT block without an answer block

    def gift_matches(self, spec):
        """Whether a GIFT answer section (stripped) is this type's, as Moodle decides."""
        return False

    def gift_read(self, reader, section, offset):
        """The type's fields from a GIFT answer section (quizzes.formats.gift.Question)."""
        return {"answers": []}

    def gift_write(self, writer):
        """The answer block of the question (quizzes.formats.gift.QuestionWriter)."""
        return "{" + writer.general_feedback("", "") + "}"

    # -- Moodle XML ------------------------------------------------------------------
    def xml_read(self, reader):
        """The type's fields from a <question> (quizzes.formats.moodlexml.XmlQuestion)."""
        return {"answers": []}

    def xml_write(self, writer):
        """The type's elements of a <question> (quizzes.formats.moodlexml.QuestionWriter)."""
        return ""


# -- answers: validation helpers ----------------------------------------------------
def is_blank(answer):
    """An answer row nobody filled in (a spare form row)."""
    return not (
        answer["text"]
        or answer["feedback"]
        or answer["match"]
        or answer["fraction"]
        or answer["value"] is not None
        or answer["tolerance"]
    )


def filled(answers):
    """(index, answer) for each answer row that is not blank."""
    return [(index, answer) for index, answer in enumerate(answers) if not is_blank(answer)]


def reset_unused(rows, used):
    """Set the answer fields outside `used` to their defaults, so nothing stale is stored.

    Text formats stay: they are the question's unless given (quizzes.validation).
    """
    for _index, answer in rows:
        for name, field in ANSWER_FIELDS.items():
            if name not in used and not field.follows_text_format:
                answer[name] = field.default


def at_full_marks(fraction):
    return fraction >= 100 - FRACTION_TOLERANCE


def answer_error(errors, index, field, message, code, **params):
    errors.add(f"answers[{index}].{field}", error(message, code, **params))


def check_fraction_range(errors, rows, minimum, maximum):
    code, message = FRACTION_RANGE
    for index, answer in rows:
        if not minimum <= answer["fraction"] <= maximum:
            answer_error(errors, index, "fraction", message, code, min=minimum, max=maximum)


def check_texts(errors, rows):
    for index, answer in rows:
        if not answer["text"]:
            answer_error(errors, index, "text", _("Write the text of this answer."), "required")


def check_one_full_mark(errors, rows):
    # Moodle's editing form asks for it; its importer takes the question as it is.
    if not any(at_full_marks(answer["fraction"]) for _index, answer in rows):
        errors.tolerate(
            "answers", error(_("Give at least one answer a grade of 100 %."), "no_full_mark")
        )


def check_accepted_answers(errors, rows, none_message):
    """Answers graded 0 to 100 %, at least one of them (else `none_message`) at 100 %.

    A negative grade (down to -100 %), which Moodle's form does not offer but its
    importer takes, is tolerated (see quizzes.fields.Errors.tolerate); scoring counts
    a response at no less than 0.
    """
    check_fraction_range(errors, rows, -100, 100)
    code, message = FRACTION_RANGE
    for index, answer in rows:
        if answer["fraction"] < 0 and not errors.has(f"answers[{index}]"):
            failure = error(message, code, min=0, max=100)
            errors.tolerate(f"answers[{index}].fraction", failure)
    if not rows:
        errors.add("answers", error(none_message, "too_few"))
    elif not errors.has("answers"):
        check_one_full_mark(errors, [(i, a) for i, a in rows if not is_catch_all(a)] or rows)


# -- learners: answers in their own text format ----------------------------------
def shown_answer(question, index, answer):
    """A learner's view of one answer's text: {"id", "text"}, and its "text_format"
    when it is not the question's (a Moodle answer may be HTML in a Markdown question)."""
    shown = {"id": index, "text": answer["text"]}
    text_format = answer.get("text_format")
    if text_format and text_format != question.get("text_format"):
        shown["text_format"] = text_format
    return shown


def render_shown(render, shown):
    """HTML of an answer of `shown_answer`: its `text_html` when the view has it
    (`QuestionType.learner_html`), else `render` renders in the question's format."""
    if "text_html" in shown:
        return mark_safe(shown["text_html"])  # noqa: S308 - sanitised by learner_html
    if "text_format" in shown:
        return rendering.render(shown["text"], shown["text_format"])
    return render(shown["text"])


# -- responses and grading helpers ----------------------------------------------------
def choice_id(value, count):
    """`value` as an answer index below `count`, or None when it is not one."""
    if isinstance(value, str) and value.strip().isdecimal() and len(value) <= ID_DIGITS_MAX:
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count:
        return value
    return None


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_choice_id(value):
    return is_int(value) or (isinstance(value, str) and value.strip().isdecimal())


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


def best_of(matching_answers):
    """The fraction and chosen answer of the best answer among those that match."""
    best = max(matching_answers, key=lambda answer: answer["fraction"], default=None)
    return (0, []) if best is None else (best["fraction"], [best])


def is_catch_all(answer):
    """Moodle's numerical answer "*": any number no other answer matches."""
    return answer.get("value") is None and answer.get("text") == CATCH_ALL


def grade_number(question, response):
    """Numerical grading: the best answer whose value ± tolerance holds the response,
    else the catch-all answer "*" when there is one."""
    number = number_or_none(response)
    if number is None:
        return 0, []
    answers = question["answers"]
    fraction, chosen = best_of(
        answer
        for answer in answers
        if not is_catch_all(answer)
        and within_tolerance(number, answer["value"], answer["tolerance"] or 0)
    )
    if chosen:
        return fraction, chosen
    return best_of(answer for answer in answers if is_catch_all(answer))


# -- editor helpers --------------------------------------------------------------------
def decimal_input():
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


def fraction_field():
    return forms.CharField(label=_("Grade"), required=False, initial="0", widget=forms.Select)


def feedback_field(label=None):
    return forms.CharField(
        label=label or _("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def text_area(label, rows=2, **options):
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **options
    )


def checkbox(label, initial=False, **options):
    return forms.BooleanField(label=label, required=False, initial=initial, **options)


# The choice of a text's format that stands for "the question's text format".
SAME_FORMAT = ""


def format_select(label=None):
    """The text format of one text: the question's ("") unless another is chosen."""
    return forms.ChoiceField(
        label=label or _("Format"),
        required=False,
        choices=[(SAME_FORMAT, _("As the question")), *TextFormat.choices],
        widget=forms.Select(attrs={"class": "compact"}),
    )


class MenuField(forms.CharField):
    """A menu of usual values (`choices`) that also shows the current value when it is
    none of them (an imported grade or penalty), so that saving keeps it. Its value is
    the text of the number chosen; the rules are quizzes.validation's."""

    def __init__(self, *, choices, label_for=str, **options):
        options.setdefault("required", False)
        super().__init__(widget=forms.Select, **options)
        self.menu = [(str(value), str(label)) for value, label in choices]
        self.label_for = label_for
        self.widget.choices = self.menu

    def show(self, current):
        """Offer `current` (a value's text) too, when the menu does not have it."""
        values = [value for value, _label in self.menu]
        if current in (None, "") or str(current) in values:
            self.widget.choices = self.menu
        else:
            self.widget.choices = [(str(current), self.label_for(current)), *self.menu]


def shown_format(text_format, question):
    """A stored text format as its menu shows it: "" when it is the question's."""
    return SAME_FORMAT if text_format == question.get("text_format") else text_format


def given_format(choice):
    """The text format a menu gives: None ("not given": the question's) for ""."""
    return choice or None


def combined_feedback_form_fields():
    """The editor's inputs of Moodle's combined feedback (multichoice, matching, cloze)."""
    return {
        "correct_feedback": text_area(_("For any correct response")),
        "correct_feedback_format": format_select(),
        "partially_correct_feedback": text_area(_("For any partially correct response")),
        "partially_correct_feedback_format": format_select(),
        "incorrect_feedback": text_area(_("For any incorrect response")),
        "incorrect_feedback_format": format_select(),
        "show_num_correct": checkbox(
            _("Show the number of correct responses"),
            help_text=_("Once graded, learners read “You have 2 correct responses”."),
        ),
    }
