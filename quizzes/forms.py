"""Forms of the teachers' UI: what the teacher typed, as quizzes.validation's plain data.

The rules live in quizzes.validation, not here. These forms only collect
values (numbers as typed, so "3,5" and "1e3" reach the one parser that reads
them), turn them into the plain quiz or question data that quizzes.operations
takes, and put the ValidationError it raises back on the fields and answer
rows it names. So form fields are optional at the Django level: a missing
title is reported by clean_quiz, in the same words as in the API.

Every edit form carries the quiz version it was rendered from (`version`),
passed to quizzes.operations as `expected_version`.
"""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from quizzes.models import QuestionType, QuizStatus, TextFormat
from quizzes.scoring import format_number
from quizzes.validation import ANSWERS_MAX, truefalse_answers

# Moodle's grade percentages, in the order its answer grade menu lists them.
POSITIVE_GRADES = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333",
    "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0",
)  # fmt: skip
NEGATIVE_GRADES = tuple(f"-{grade}" for grade in reversed(POSITIVE_GRADES[:-1]))
# A stored grade this close to one of the menu's is shown as that one (imports
# write 33.3333 where Moodle's menu has 33.33333).
GRADE_MATCH = 0.001
ANSWER_ROW_KEY = re.compile(r"answers\[(\d+)\]\.(\w+)")
# Rows added by the "add more rows" button of the form without JavaScript.
ROWS_PER_CLICK = 3


def decimal_input():
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


def as_text(number):
    """A stored number as the teacher would type it ("" for none)."""
    return "" if number is None else format_number(float(number))


def error_messages(error):
    """A ValidationError's messages by key; one without keys is the form's own."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def add_errors(form, error, field_for=lambda key: key):
    """Put each message of `error` on the field of `form` that `field_for(key)` names.

    Keys naming no field of the form land on the form itself.
    """
    for key, messages in error_messages(error).items():
        field = field_for(key)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def with_version(data, version):
    """A copy of submitted form data, set to carry quiz version `version`."""
    data = data.copy()
    data["version"] = str(version)
    return data


class VersionForm(forms.Form):
    """The quiz version the page was rendered from, for optimistic concurrency."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StatusForm(VersionForm):
    status = forms.ChoiceField(choices=QuizStatus.choices)


class ReorderForm(VersionForm):
    """The quiz's question ids in their new order (quizzes.operations checks them)."""

    order = forms.Field(widget=forms.MultipleHiddenInput, required=False)


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *QuizStatus.choices],
    )


# -- quizzes --------------------------------------------------------------------
class QuizForm(forms.Form):
    """A quiz's metadata and options (not its status, not its questions)."""

    title = forms.CharField(
        label=_("Title"), required=False, widget=forms.TextInput(attrs={"required": True})
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to learners before they start. Markdown: **bold**, *italic*, lists."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas, e.g. algebra, year 9."),
    )
    shuffle_questions = forms.BooleanField(label=_("Shuffle the questions"), required=False)
    shuffle_answers = forms.BooleanField(
        label=_("Shuffle the choices within questions"),
        required=False,
        help_text=_("Applies to questions that allow it (multiple choice, matching)."),
    )
    time_limit_minutes = forms.CharField(
        label=_("Time limit (minutes)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("Leave empty for no limit."),
    )
    pass_mark = forms.CharField(
        label=_("Pass mark (%)"),
        required=False,
        initial="50",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    OPTIONS = ("shuffle_questions", "shuffle_answers", "time_limit_minutes", "pass_mark")

    @classmethod
    def initial_for(cls, quiz):
        """The form's initial values for an existing quiz."""
        options = quiz.options
        return {
            "title": quiz.title,
            "description": quiz.description,
            "tags": ", ".join(quiz.tags),
            "shuffle_questions": options.shuffle_questions,
            "shuffle_answers": options.shuffle_answers,
            "time_limit_minutes": as_text(options.time_limit_minutes),
            "pass_mark": as_text(options.pass_mark),
            "version": quiz.version,
        }

    def to_data(self):
        """The plain quiz data (quizzes.validation) of what was typed."""
        values = self.cleaned_data
        options = {name: values[name] for name in self.OPTIONS}
        options["time_limit_minutes"] = options["time_limit_minutes"] or None
        return {
            "title": values["title"],
            "description": values["description"],
            "tags": values["tags"],
            "options": options,
        }

    def show_errors(self, error):
        add_errors(self, error, lambda key: key.removeprefix("options."))


class QuizEditForm(QuizForm, VersionForm):
    """QuizForm for an existing quiz: the version it was read at is required."""


# -- answer rows ------------------------------------------------------------------
def grade_key(value, grades):
    """The menu entry of `grades` showing the grade `value` (as it was typed or stored)."""
    if value in (None, ""):
        return "0"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    for grade in grades:
        if abs(float(grade) - number) < GRADE_MATCH:
            return grade
    return as_text(number)


class AnswerRowForm(forms.Form):
    """One answer row of a question form; ticking `remove` drops it on save.

    Subclasses declare the answer fields their question type uses, named as
    in quizzes.validation's answer data.
    """

    GRADES = POSITIVE_GRADES

    remove = forms.BooleanField(label=_("Remove this row when saving"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "fraction" in self.fields:
            current = (
                self.data.get(self.add_prefix("fraction"))
                if self.is_bound
                else self.initial.get("fraction")
            )
            # An imported grade outside Moodle's menu stays selectable, so saving keeps it.
            grades = list(self.GRADES)
            if (key := grade_key(current, grades)) not in grades:
                grades.insert(0, key)
            self.fields["fraction"].widget.choices = [(grade, f"{grade} %") for grade in grades]

    @classmethod
    def initial_for(cls, answer):
        initial = {name: answer[name] for name in cls.base_fields if name in answer}
        for name in ("value", "tolerance"):
            if name in initial:
                initial[name] = as_text(initial[name])
        if "fraction" in initial:
            initial["fraction"] = grade_key(initial["fraction"], cls.GRADES)
        return initial

    @property
    def removed(self):
        return bool(self.cleaned_data.get("remove"))

    def answer(self):
        """This row as answer data; what was left empty is "not given" (None)."""
        return {
            name: self.cleaned_data.get(name) or None for name in self.fields if name != "remove"
        }


def fraction_field():
    return forms.CharField(label=_("Grade"), required=False, initial="0", widget=forms.Select)


def feedback_field():
    return forms.CharField(
        label=_("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChoiceRowForm(AnswerRowForm):
    GRADES = POSITIVE_GRADES + NEGATIVE_GRADES

    text = forms.CharField(
        label=_("Choice"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fraction = fraction_field()
    feedback = feedback_field()


class AcceptedAnswerRowForm(AnswerRowForm):
    text = forms.CharField(label=_("Accepted answer"), required=False)
    fraction = fraction_field()
    feedback = feedback_field()


class NumericalRowForm(AnswerRowForm):
    value = forms.CharField(label=_("Expected number"), required=False, widget=decimal_input())
    tolerance = forms.CharField(label=_("Tolerance (±)"), required=False, widget=decimal_input())
    fraction = fraction_field()
    feedback = feedback_field()


class MatchingRowForm(AnswerRowForm):
    text = forms.CharField(
        label=_("Question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty to make the answer a distractor."),
    )
    match = forms.CharField(label=_("Matching answer"), required=False)


# -- questions ----------------------------------------------------------------------
class QuestionForm(VersionForm):
    """The fields every question type has; subclasses add their type's own."""

    name = forms.CharField(
        label=_("Question name"),
        required=False,
        help_text=_("For you, to find the question in the list; learners do not see it."),
        widget=forms.TextInput(attrs={"required": True}),
    )
    text = forms.CharField(
        label=_("Question text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "required": True}),
    )
    text_format = forms.ChoiceField(
        label=_("Text format"),
        choices=TextFormat.choices,
        initial=TextFormat.MARKDOWN,
        help_text=_("How the question text, choices and feedback are written."),
    )
    points = forms.CharField(label=_("Points"), required=False, initial="1", widget=decimal_input())
    general_feedback = forms.CharField(
        label=_("General feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to every learner once they have answered, whatever their answer."),
    )

    COMMON = ("name", "text", "text_format", "points", "general_feedback")

    @classmethod
    def initial_for(cls, question):
        initial = {name: question[name] for name in cls.COMMON}
        initial["points"] = as_text(question["points"])
        return initial

    def question(self):
        """The question-level fields of the plain question data (answers aside)."""
        return {name: self.cleaned_data[name] for name in self.COMMON}

    def answers(self):
        """The answers this form itself holds (only truefalse has any)."""
        return []

    def field_for_answer(self, index, field):
        """The field of this form showing answer `index`'s `field`, if any."""
        return None


class MultichoiceForm(QuestionForm):
    single = forms.TypedChoiceField(
        label=_("Learners may choose"),
        choices=[("single", _("One answer only")), ("multiple", _("Several answers"))],
        coerce=lambda value: value == "single",
        initial="single",
        widget=forms.RadioSelect,
    )
    shuffle_answers = forms.BooleanField(
        label=_("Shuffle the choices"), required=False, initial=True
    )

    @classmethod
    def initial_for(cls, question):
        initial = super().initial_for(question)
        initial["single"] = "single" if question["single"] else "multiple"
        initial["shuffle_answers"] = question["shuffle_answers"]
        return initial

    def question(self):
        values = self.cleaned_data
        return {
            **super().question(),
            "single": values["single"],
            "shuffle_answers": values["shuffle_answers"],
        }


class TrueFalseForm(QuestionForm):
    correct = forms.TypedChoiceField(
        label=_("Correct answer"),
        choices=[("true", _("True")), ("false", _("False"))],
        coerce=lambda value: value == "true",
        initial="true",
        widget=forms.RadioSelect,
    )
    feedback_true = forms.CharField(
        label=_("Feedback for the answer “True”"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    feedback_false = forms.CharField(
        label=_("Feedback for the answer “False”"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # Answer fields of truefalse_answers(): index 0 is "true", 1 is "false".
    ANSWER_FIELDS = {(0, "feedback"): "feedback_true", (1, "feedback"): "feedback_false"}

    @classmethod
    def initial_for(cls, question):
        initial = super().initial_for(question)
        by_text = {answer["text"]: answer for answer in question["answers"]}
        true, false = by_text.get("true", {}), by_text.get("false", {})
        initial["correct"] = "true" if true.get("fraction", 100) >= 100 else "false"
        initial["feedback_true"] = true.get("feedback", "")
        initial["feedback_false"] = false.get("feedback", "")
        return initial

    def answers(self):
        values = self.cleaned_data
        return truefalse_answers(
            values["correct"], values["feedback_true"], values["feedback_false"]
        )

    def field_for_answer(self, index, field):
        return self.ANSWER_FIELDS.get((index, field))


class ShortAnswerForm(QuestionForm):
    case_sensitive = forms.BooleanField(
        label=_("Case sensitive"),
        required=False,
        help_text=_("When ticked, “Paris” and “paris” are different answers."),
    )

    @classmethod
    def initial_for(cls, question):
        return {**super().initial_for(question), "case_sensitive": question["case_sensitive"]}

    def question(self):
        return {**super().question(), "case_sensitive": self.cleaned_data["case_sensitive"]}


class MatchingForm(QuestionForm):
    shuffle_answers = forms.BooleanField(
        label=_("Shuffle the questions of the matching"), required=False, initial=True
    )

    @classmethod
    def initial_for(cls, question):
        return {**super().initial_for(question), "shuffle_answers": question["shuffle_answers"]}

    def question(self):
        return {**super().question(), "shuffle_answers": self.cleaned_data["shuffle_answers"]}


@dataclass(frozen=True)
class TypeSpec:
    """How one question type is edited: its form, its answer rows and their wording."""

    form: type
    row_form: type | None = None
    blank_rows: int = 0
    row_label: str = ""
    add_label: str = ""
    help_text: str = ""
    summary: str = ""


QUESTION_TYPES = {
    QuestionType.MULTICHOICE: TypeSpec(
        MultichoiceForm,
        ChoiceRowForm,
        blank_rows=4,
        row_label=_("Choice"),
        add_label=_("Add a choice"),
        summary=_("Learners pick one or several answers from a list."),
        help_text=_(
            "Give the right answer 100 %. When several answers are allowed, the grades "
            "of the right ones must add up to 100 %, and a wrong choice may take a "
            "negative grade. Empty rows are ignored."
        ),
    ),
    QuestionType.TRUEFALSE: TypeSpec(
        TrueFalseForm, summary=_("Learners say whether a statement is true or false.")
    ),
    QuestionType.SHORTANSWER: TypeSpec(
        ShortAnswerForm,
        AcceptedAnswerRowForm,
        blank_rows=3,
        row_label=_("Answer"),
        add_label=_("Add an answer"),
        summary=_("Learners type a word or a short phrase."),
        help_text=_(
            "List every answer you accept, each with its grade; at least one at 100 %. "
            "A * stands for any characters: “*colour*” accepts “the colour red”."
        ),
    ),
    QuestionType.NUMERICAL: TypeSpec(
        QuestionForm,
        NumericalRowForm,
        blank_rows=2,
        row_label=_("Answer"),
        add_label=_("Add an answer"),
        summary=_("Learners type a number, accepted within a tolerance."),
        help_text=_(
            "An answer matches a number within its tolerance: 3.14 ± 0.01 accepts "
            "3.13 to 3.15. At least one answer at 100 %."
        ),
    ),
    QuestionType.MATCHING: TypeSpec(
        MatchingForm,
        MatchingRowForm,
        blank_rows=4,
        row_label=_("Pair"),
        add_label=_("Add a pair"),
        summary=_("Learners match each question with its answer from a list."),
        help_text=_(
            "At least two questions, each with its matching answer. An answer without "
            "a question is a distractor: an extra wrong option in every list."
        ),
    ),
    QuestionType.ESSAY: TypeSpec(
        QuestionForm, summary=_("Learners write a free text, which you grade yourself.")
    ),
}


class QuestionEditor:
    """The whole editing form of one question: its fields and its answer rows.

    Built either from a question's plain data (`question`, to edit it; None for
    a new one) or from submitted `data`. `to_data()` gives the plain question
    data for quizzes.operations, `show_errors()` puts clean_question's errors
    on the fields and rows they name: error index i is the i-th row that was
    not removed, since those are the rows `to_data()` sends, blank ones included.
    """

    PREFIX = "answers"

    def __init__(self, qtype, data=None, question=None, version=None):
        self.qtype = qtype
        self.spec = QUESTION_TYPES[qtype]
        self.data = data
        initial = None
        if data is None:
            initial = self.spec.form.initial_for(question) if question else {}
            initial["version"] = version
        self.form = self.spec.form(data, initial=initial)
        self.rows = self._build_rows(data, question)
        # Problems of the answer list as a whole ("Give at least two answers").
        self.answer_errors = []

    def _build_rows(self, data, question):
        if self.spec.row_form is None:
            return None
        row_form = self.spec.row_form
        if question:
            initial, extra = [row_form.initial_for(a) for a in question["answers"]], 2
        elif "fraction" in row_form.base_fields:
            # A new question starts with its first answer at full marks, the usual case.
            initial, extra = [{"fraction": "100"}], self.spec.blank_rows - 1
        else:
            initial, extra = [], self.spec.blank_rows
        formset = forms.formset_factory(
            row_form, extra=extra, max_num=ANSWERS_MAX, absolute_max=ANSWERS_MAX
        )
        return formset(data, initial=None if data else initial, prefix=self.PREFIX)

    @property
    def version(self):
        return self.form.cleaned_data["version"]

    def is_valid(self):
        """Whether the submission is well formed (the content rules come later)."""
        valid = self.form.is_valid()
        return (self.rows is None or self.rows.is_valid()) and valid

    def _kept_rows(self):
        return [row for row in self.rows if not row.removed] if self.rows is not None else []

    def to_data(self):
        answers = self.form.answers() + [row.answer() for row in self._kept_rows()]
        return {"type": self.qtype, **self.form.question(), "answers": answers}

    def show_errors(self, error):
        rows = self._kept_rows()
        for key, messages in error_messages(error).items():
            form, field = self._place(key, rows)
            for message in messages:
                if form is None:
                    self.answer_errors.append(message)
                else:
                    form.add_error(field if field in form.fields else None, message)

    def _place(self, key, rows):
        """(form, field) where the errors of `key` are shown; (None, None): the answer list."""
        if key == "answers":
            return None, None
        if found := ANSWER_ROW_KEY.fullmatch(key):
            index, field = int(found[1]), found[2]
            if index < len(rows):
                return rows[index], field
            return self.form, self.form.field_for_answer(index, field)
        return self.form, key

    def type_fields(self):
        """The bound fields this question type adds to those every question has."""
        return [
            self.form[name] for name in self.form.fields if name not in QuestionForm.base_fields
        ]

    def summary_errors(self):
        """Errors that belong to no field or row: shown at the top of the form."""
        errors = [*self.form.non_field_errors(), *self.form["version"].errors]
        if self.rows is None:
            errors += self.answer_errors
        elif self.rows.is_bound:
            errors += self.rows.non_form_errors()
        return errors

    def with_version(self, version):
        """This submission again, set to carry quiz version `version`."""
        return QuestionEditor(self.qtype, data=with_version(self.data, version))

    def with_more_rows(self, count=ROWS_PER_CLICK):
        """This submission again with `count` more blank answer rows."""
        data = self.data.copy()
        total = f"{self.PREFIX}-TOTAL_FORMS"
        try:
            rows = int(data.get(total, 0))
        except ValueError:
            rows = 0
        data[total] = str(min(rows + count, ANSWERS_MAX))
        return QuestionEditor(self.qtype, data=data)
