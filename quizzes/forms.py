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
from functools import cache

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from quizzes.fields import (
    ANSWERS_MAX,
    OPTION_FIELDS,
    QUESTION_FIELDS,
    QuizStatus,
    TextFormat,
    format_number,
)
from quizzes.qtypes import registry
from quizzes.qtypes.base import POSITIVE_GRADES, decimal_input

# A stored grade this close to one of the menu's is shown as that one (imports
# write 33.3333 where Moodle's menu has 33.33333).
GRADE_MATCH = 0.001
ANSWER_ROW_KEY = re.compile(r"answers\[(\d+)\]\.(\w+)")
# Rows added by the "add more rows" button of the form without JavaScript.
ROWS_PER_CLICK = 3


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

    OPTIONS = tuple(OPTION_FIELDS)

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

    `row_form_class(qtype)` adds the answer fields the question type uses,
    named as in quizzes.validation's answer data.
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


# -- questions ----------------------------------------------------------------------
class QuestionForm(VersionForm):
    """The fields every question has; `form_class(qtype)` adds the type's own inputs."""

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

    qtype = None  # the question type (quizzes.qtypes), set by form_class()
    SYNTAX_HELP_ID = "syntax-help"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.qtype.help_text and self.qtype.row_fields() is None:
            # The type's help is about the text itself (cloze): read with the text box.
            self.fields["text"].widget.attrs["aria-describedby"] = self.SYNTAX_HELP_ID

    @classmethod
    def initial_for(cls, question):
        initial = {name: question[name] for name in QUESTION_FIELDS}
        initial["points"] = as_text(question["points"])
        return {**initial, **cls.qtype.initial(question)}

    def common_fields(self):
        """The names of the common question fields this form shows."""
        return [name for name in QUESTION_FIELDS if name in self.fields]

    def question(self):
        """The question-level fields of the plain question data (answers aside)."""
        values = {name: self.cleaned_data[name] for name in self.common_fields()}
        return {**values, **self.qtype.from_form(self.cleaned_data)}

    def answers(self):
        """The answers this form itself holds (truefalse); answer rows hold the others."""
        return self.qtype.form_answers(self.cleaned_data)

    def field_for_answer(self, index, field):
        """The field of this form showing answer `index`'s `field`, if any."""
        return self.qtype.form_field_of_answer(index, field)


@cache
def form_class(qtype):
    """The editing form of questions of type `qtype` (a quizzes.qtypes type)."""
    attrs = {"qtype": qtype, **qtype.form_fields()}
    if not qtype.scored:
        # Nothing to answer: no points to give, no feedback after an answer.
        attrs.update(points=None, general_feedback=None)
    return type(f"{qtype.name.title()}Form", (QuestionForm,), attrs)


@cache
def row_form_class(qtype):
    """The form of one answer row of `qtype`, or None when the type has no answer rows."""
    fields = qtype.row_fields()
    if fields is None:
        return None
    return type(
        f"{qtype.name.title()}RowForm", (AnswerRowForm,), {"GRADES": qtype.grades, **fields}
    )


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
        self.qtype = registry.get(qtype)
        self.data = data
        form = form_class(self.qtype)
        initial = None
        if data is None:
            initial = form.initial_for(question) if question else {}
            initial["version"] = version
        self.form = form(data, initial=initial)
        self.rows = self._build_rows(data, question)
        # Problems of the answer list as a whole ("Give at least two answers").
        self.answer_errors = []

    def _build_rows(self, data, question):
        row_form = row_form_class(self.qtype)
        if row_form is None:
            return None
        if question:
            initial, extra = [row_form.initial_for(a) for a in question["answers"]], 2
        elif "fraction" in row_form.base_fields:
            # A new question starts with its first answer at full marks, the usual case.
            initial, extra = [{"fraction": "100"}], self.qtype.blank_rows - 1
        else:
            initial, extra = [], self.qtype.blank_rows
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
        return {"type": self.qtype.name, **self.form.question(), "answers": answers}

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
        return QuestionEditor(self.qtype.name, data=with_version(self.data, version))

    def with_more_rows(self, count=ROWS_PER_CLICK):
        """This submission again with `count` more blank answer rows."""
        data = self.data.copy()
        total = f"{self.PREFIX}-TOTAL_FORMS"
        try:
            rows = int(data.get(total, 0))
        except ValueError:
            rows = 0
        data[total] = str(min(rows + count, ANSWERS_MAX))
        return QuestionEditor(self.qtype.name, data=data)
