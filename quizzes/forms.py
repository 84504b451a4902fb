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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.fields import (
    ANSWERS_MAX,
    HINTS_MAX,
    OPTION_FIELDS,
    PENALTY_DEFAULT,
    QUESTION_EXTRAS,
    QUESTION_FIELDS,
    QuizAccess,
    QuizStatus,
    TextFormat,
    format_number,
)
from quizzes.qtypes import registry
from quizzes.qtypes.base import (
    COMBINED_FEEDBACK,
    POSITIVE_GRADES,
    MenuField,
    checkbox,
    decimal_input,
    format_select,
    given_format,
    shown_format,
    text_area,
)

# A stored grade this close to one of the menu's is shown as that one (imports
# write 33.3333 where Moodle's menu has 33.33333).
GRADE_MATCH = 0.001
ANSWER_ROW_KEY = re.compile(r"(answers|hints)\[(\d+)\]\.(\w+)")
# Rows added by the "add more rows" button of the form without JavaScript.
ROWS_PER_CLICK = 3
# That button's name (quizzes.views.questions.ADD_ROWS); its value "hints" asks for
# more hint rows, any other for more answer rows.
ADD_ROWS = "add_rows"
HINTS = "hints"
# Moodle's menu of penalties for each incorrect try.
PENALTIES = ("1", "0.5", "0.3333333", "0.25", "0.2", "0.1", "0")
DECLARED = {**QUESTION_FIELDS, **QUESTION_EXTRAS}


def as_text(number):
    """A stored number as the teacher would type it ("" for none)."""
    return "" if number is None else format_number(float(number))


def percent(share):
    """A share (0.5) as the percentage a menu shows ("50 %")."""
    try:
        return f"{format_number(round(float(share) * 100, 7))} %"
    except ValueError:
        return str(share)


def blank_is_default(name):
    """Whether question field `name`, left empty in the form, is given back as None (its
    default, or for a text format the question's): its numbers (but the points, which
    are required), menus and text formats."""
    field = DECLARED.get(name)
    return (
        field is not None
        and name not in ("points", "text_format")
        and field.kind in ("number", "integer", "choice")
    )


def shown_value(name, value, question):
    """A stored question field as the form shows it."""
    field = DECLARED[name]
    if field.follows_text_format:
        return shown_format(value, question)
    return as_text(value) if field.kind in ("number", "integer") else value


def tags_field():
    return forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas, e.g. algebra, year 9."),
    )


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


# Versions beyond MongoDB's 8-byte integers are refused as bad input, not a 500.
VERSION_MAX = 2**63 - 1


class VersionForm(forms.Form):
    """The version the page was rendered from (a quiz's, a category's or a question's),
    for optimistic concurrency."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=VERSION_MAX)


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
class DateTimeLocalInput(forms.TextInput):
    """The browser's date and time picker, in the teacher's local time (no offset)."""

    input_type = "datetime-local"


def optional_value(label, help_text, widget=None):
    """An option typed as text (a number; with `widget`, a date) for quizzes.validation
    to read; left empty, the option has no value (no limit)."""
    widget = widget or forms.TextInput(attrs={"inputmode": "numeric"})
    return forms.CharField(label=label, required=False, widget=widget, help_text=help_text)


def local_input(moment):
    """An aware datetime as a datetime-local input shows it, in the current time zone."""
    return "" if moment is None else timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


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
    tags = tags_field()
    shuffle_questions = forms.BooleanField(label=_("Shuffle the questions"), required=False)
    shuffle_answers = forms.BooleanField(
        label=_("Shuffle the choices within questions"),
        required=False,
        help_text=_("Applies to questions that allow it (multiple choice, matching)."),
    )
    time_limit_minutes = optional_value(_("Time limit (minutes)"), _("Leave empty for no limit."))
    pass_mark = forms.CharField(
        label=_("Pass mark (%)"),
        required=False,
        initial="50",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    opens_at = optional_value(
        _("Opens at"),
        _("Learners can start it from then on. Leave empty to open it at once."),
        DateTimeLocalInput,
    )
    closes_at = optional_value(
        _("Closes at"),
        _("No attempt starts from then on. Leave empty to keep it open."),
        DateTimeLocalInput,
    )
    access = forms.ChoiceField(
        label=_("Who may take it"),
        choices=QuizAccess.choices,
        initial=QuizAccess.LINK,
        required=False,
        widget=forms.RadioSelect,
    )
    attempts_allowed = optional_value(
        _("Attempts allowed per learner"), _("Leave empty for unlimited attempts.")
    )
    one_per_page = forms.BooleanField(
        label=_("One question per page"),
        required=False,
        help_text=_("Otherwise all the questions are on one page."),
    )
    show_score = forms.BooleanField(
        label=_("Learners see their score after submitting"), required=False, initial=True
    )
    show_feedback = forms.BooleanField(
        label=_("Learners see the feedback after submitting"), required=False, initial=True
    )
    show_correct_answers = forms.BooleanField(
        label=_("Learners see the correct answers after submitting"), required=False
    )

    OPTIONS = tuple(OPTION_FIELDS)
    # Options left empty: their default (None: no limit, no date) applies.
    EMPTY_IS_NONE = ("time_limit_minutes", "opens_at", "closes_at", "attempts_allowed", "access")

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
            "opens_at": local_input(options.opens_at),
            "closes_at": local_input(options.closes_at),
            "access": options.access,
            "attempts_allowed": as_text(options.attempts_allowed),
            "one_per_page": options.one_per_page,
            "show_score": options.show_score,
            "show_feedback": options.show_feedback,
            "show_correct_answers": options.show_correct_answers,
            "version": quiz.version,
        }

    def to_data(self):
        """The plain quiz data (quizzes.validation) of what was typed; dates without an
        offset are read in the current time zone."""
        values = self.cleaned_data
        options = {name: values[name] for name in self.OPTIONS}
        options.update((name, options[name] or None) for name in self.EMPTY_IS_NONE)
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


class RowForm(forms.Form):
    """One row of a question form (an answer, a hint); ticking `remove` drops it on save.

    The row shows its `main_fields` on one line; its `FOLDED` fields (feedback) and its
    text formats are shown apart (`detail_fields`, then `format_fields`), in a part that
    is open only when one of its formats is not the question's or one of them is in error.
    """

    FOLDED = ()  # names of the fields shown with the formats, folded away
    remove = forms.BooleanField(label=_("Remove this row when saving"), required=False)

    @property
    def removed(self):
        return bool(self.cleaned_data.get("remove"))

    def _is_format(self, field):
        return field.name.endswith("_format")

    def main_fields(self):
        return [
            f
            for f in self.visible_fields()
            if f.name != "remove" and f.name not in self.FOLDED and not self._is_format(f)
        ]

    def detail_fields(self):
        return [f for f in self.visible_fields() if f.name in self.FOLDED]

    def format_fields(self):
        return [f for f in self.visible_fields() if self._is_format(f)]

    def details_open(self):
        """Whether a text of this row has a format other than the question's, or a
        folded field or format is in error."""
        folded = [*self.detail_fields(), *self.format_fields()]
        return any(field.value() for field in self.format_fields()) or any(
            field.errors for field in folded
        )


class AnswerRowForm(RowForm):
    """One answer row of a question form.

    `row_form_class(qtype)` adds the answer fields the question type uses,
    named as in quizzes.validation's answer data. `uid` (hidden) carries the
    answer's identity, so that saving keeps it; empty in a new row.
    """

    GRADES = POSITIVE_GRADES
    FOLDED = ("feedback",)
    qtype = None
    uid = forms.CharField(required=False, widget=forms.HiddenInput)

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
    def initial_for(cls, answer, question):
        initial = {name: answer[name] for name in cls.base_fields if name in answer}
        for name in ("value", "tolerance"):
            if name in initial:
                initial[name] = as_text(initial[name])
        for name in ("text_format", "feedback_format"):
            if name in initial:
                initial[name] = shown_format(initial[name], question)
        if "fraction" in initial:
            initial["fraction"] = grade_key(initial["fraction"], cls.GRADES)
        return cls.qtype.row_initial(answer, initial)

    def answer(self):
        """This row as answer data; what was left empty is "not given" (None)."""
        return self.qtype.from_row(
            {name: self.cleaned_data.get(name) or None for name in self.fields if name != "remove"}
        )


class HintRowForm(RowForm):
    """One hint: what a learner reads after a wrong try (Moodle's interactive mode)."""

    text = text_area(_("Hint"))
    text_format = format_select()
    show_num_correct = checkbox(_("Show the number of correct responses"))
    clear_wrong = checkbox(_("Clear incorrect responses"))

    @classmethod
    def initial_for(cls, hint, question):
        return {
            **{name: hint[name] for name in cls.base_fields if name in hint},
            "text_format": shown_format(hint.get("text_format"), question),
        }

    def hint(self):
        values = {name: self.cleaned_data.get(name) for name in self.fields if name != "remove"}
        return {**values, "text_format": given_format(values["text_format"])}


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
    general_feedback_format = format_select()
    penalty = MenuField(
        label=_("Penalty for each incorrect try"),
        choices=[(share, percent(share)) for share in PENALTIES],
        label_for=percent,
        initial=format_number(PENALTY_DEFAULT),
        help_text=_("Share of the points lost at each wrong try when learners may try again."),
    )
    idnumber = forms.CharField(
        label=_("ID number"),
        required=False,
        help_text=_("An identifier of your own, as Moodle's ID number."),
    )
    tags = tags_field()

    qtype = None  # the question type (quizzes.qtypes), set by form_class()
    SYNTAX_HELP_ID = "syntax-help"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.qtype.help_text and self.qtype.row_fields() is None:
            # The type's help is about the text itself (cloze): read with the text box.
            self.fields["text"].widget.attrs["aria-describedby"] = self.SYNTAX_HELP_ID
        for name, field in self.fields.items():
            if isinstance(field, MenuField):
                field.show(self[name].value())
            text = name.removesuffix("_format")
            if text not in (name, "text") and text in self.fields:
                # A text's format menu is named "Format", described by the text's label.
                field.widget.attrs["aria-describedby"] = f"{self[text].auto_id}_label"

    @classmethod
    def initial_for(cls, question):
        initial = {name: question[name] for name in QUESTION_FIELDS}
        initial["points"] = as_text(question["points"])
        initial["tags"] = ", ".join(question.get("tags", ()))
        initial.update(cls.qtype.initial(question))
        for name, value in initial.items():
            if blank_is_default(name):
                initial[name] = shown_value(name, value, question)
        return initial

    def common_fields(self):
        """The names of the common question fields this form shows."""
        return [name for name in QUESTION_FIELDS if name in self.fields]

    def question(self):
        """The question-level fields of the plain question data (answers aside)."""
        values = {name: self.cleaned_data[name] for name in self.common_fields()}
        values["tags"] = self.cleaned_data["tags"]
        values.update(self.qtype.from_form(self.cleaned_data))
        for name, value in values.items():
            if blank_is_default(name) and isinstance(value, str):
                values[name] = value.strip() or None
        return values

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
        attrs["points"] = None  # nothing to answer: no points to give
    if not qtype.has_hints:
        # No tries, so no penalty to show; Moodle keeps one all the same: so do we.
        attrs["penalty"] = forms.CharField(required=False, widget=forms.HiddenInput)
    return type(f"{qtype.name.title()}Form", (QuestionForm,), attrs)


FORMAT_LABELS = {"text": _("Text format"), "feedback": _("Feedback format")}


@cache
def row_form_class(qtype):
    """The form of one answer row of `qtype`, or None when the type has no answer rows.

    Besides the type's inputs, it has a format menu for each of the texts shown that
    has one, and carries the answer fields the type uses but does not show (hidden),
    so that saving a question unchanged keeps them.
    """
    fields = qtype.row_fields()
    if fields is None:
        return None
    fields = dict(fields)
    used = [name for name in qtype.answer_fields if not name.endswith("_format")]
    for name in [*used, *(name for name in qtype.answer_fields if name not in used)]:
        base = name.removesuffix("_format")
        if name in fields:
            continue
        if base != name and base in fields and not fields[base].widget.is_hidden:
            fields[name] = format_select(FORMAT_LABELS.get(base))
        else:
            fields[name] = forms.CharField(required=False, widget=forms.HiddenInput)
    attrs = {"GRADES": qtype.grades, "qtype": qtype, **fields}
    return type(f"{qtype.name.title()}RowForm", (AnswerRowForm,), attrs)


@cache
def hint_form_class(qtype):
    """The form of one hint of `qtype`, or None when its questions have no hints."""
    if not qtype.has_hints:
        return None
    if qtype.hint_parts:
        return HintRowForm
    return type("HintForm", (HintRowForm,), {"show_num_correct": None, "clear_wrong": None})


class QuestionEditor:
    """The whole editing form of one question: its fields, answer rows and hints.

    Built either from a question's plain data (`question`, to edit it; None for
    a new one) or from submitted `data`. `to_data()` gives the plain question
    data for quizzes.operations, `show_errors()` puts clean_question's errors
    on the fields and rows they name: error index i is the i-th row that was
    not removed, since those are the rows `to_data()` sends, blank ones included
    (after the answers the form's own inputs hold, or before them for a type
    whose inputs come after its rows).
    """

    PREFIX = "answers"
    HINTS_PREFIX = HINTS

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
        self.hints = self._build_hints(data, question)
        # Problems of the answer list and the hint list as a whole.
        self.answer_errors = []
        self.hint_errors = []

    def _build_rows(self, data, question):
        row_form = row_form_class(self.qtype)
        if row_form is None:
            return None
        if question:
            answers = self.qtype.row_answers(question)
            initial, extra = [row_form.initial_for(a, question) for a in answers], 2
        elif "fraction" in row_form.base_fields:
            # A new question starts with its first answer at full marks, the usual case.
            initial, extra = [{"fraction": "100"}], self.qtype.blank_rows - 1
        else:
            initial, extra = [], self.qtype.blank_rows
        formset = forms.formset_factory(
            row_form, extra=extra, max_num=ANSWERS_MAX, absolute_max=ANSWERS_MAX
        )
        return formset(data, initial=None if data else initial, prefix=self.PREFIX)

    def _build_hints(self, data, question):
        hint_form = hint_form_class(self.qtype)
        if hint_form is None or (data is not None and f"{HINTS}-TOTAL_FORMS" not in data):
            return None  # a type without hints, or a form posted without them
        hints = question.get("hints", []) if question else []
        # Moodle's form offers two hints; one spare row once there are some.
        formset = forms.formset_factory(
            hint_form, extra=1 if hints else 2, max_num=HINTS_MAX, absolute_max=HINTS_MAX
        )
        initial = [hint_form.initial_for(hint, question) for hint in hints]
        return formset(data, initial=None if data else initial, prefix=self.HINTS_PREFIX)

    @property
    def version(self):
        return self.form.cleaned_data["version"]

    def is_valid(self):
        """Whether the submission is well formed (the content rules come later)."""
        valid = self.form.is_valid()
        valid = (self.rows is None or self.rows.is_valid()) and valid
        return (self.hints is None or self.hints.is_valid()) and valid

    def forms(self):
        """Every form of the editor: the question's, then its answer rows and hints."""
        return [self.form, *(self.rows or ()), *(self.hints or ())]

    def _kept_rows(self):
        return [row for row in self.rows if not row.removed] if self.rows is not None else []

    def _kept_hints(self):
        return [row for row in self.hints if not row.removed] if self.hints is not None else []

    def to_data(self):
        rows = [row.answer() for row in self._kept_rows()]
        held = self.form.answers()
        answers = rows + held if self.qtype.form_fields_after_rows else held + rows
        data = {"type": self.qtype.name, **self.form.question(), "answers": answers}
        if self.hints is not None:
            data["hints"] = [row.hint() for row in self._kept_hints()]
        return data

    def show_errors(self, error):
        lists = {self.PREFIX: self.answer_errors, self.HINTS_PREFIX: self.hint_errors}
        for key, messages in error_messages(error).items():
            form, field = self._place(key)
            for message in messages:
                if form is None:
                    lists[field].append(message)
                else:
                    form.add_error(field if field in form.fields else None, message)

    def _place(self, key):
        """(form, field) where the errors of `key` are shown; (None, list name): the
        answer or hint list as a whole."""
        if key in (self.PREFIX, self.HINTS_PREFIX):
            return None, key
        found = ANSWER_ROW_KEY.fullmatch(key)
        if not found:
            return self.form, key
        kind, index, field = found[1], int(found[2]), found[3]
        if kind == self.HINTS_PREFIX:
            hints = self._kept_hints()
            return (hints[index], field) if index < len(hints) else (self.form, None)
        rows = self._kept_rows()
        held = len(self.form.answers()) if self.form.is_valid() else 0
        first_row = 0 if self.qtype.form_fields_after_rows else held
        if first_row <= index < first_row + len(rows):
            return rows[index - first_row], field
        held_index = index - len(rows) if self.qtype.form_fields_after_rows else index
        return self.form, self.form.field_for_answer(held_index, field)

    def _with_format(self, name):
        """(bound field, its format's bound field or None)."""
        format_name = f"{name}_format"
        return self.form[name], self.form[format_name] if format_name in self.form.fields else None

    def type_fields(self):
        """(bound field, its text format's bound field or None) of each input the
        question type adds to those every question has (combined feedback aside)."""
        shown = []
        for name in self.form.fields:
            text = name.removesuffix("_format")
            if (
                name in QuestionForm.base_fields
                or name in COMBINED_FEEDBACK
                or (text != name and text in self.form.fields)
            ):
                continue
            shown.append(self._with_format(name))
        return shown

    def combined_feedback(self):
        """(bound field, its format) of each combined feedback text, when the type has it."""
        texts = ("correct_feedback", "partially_correct_feedback", "incorrect_feedback")
        return [self._with_format(name) for name in texts if name in self.form.fields]

    def summary_errors(self):
        """Errors that belong to no field or row: shown at the top of the form."""
        errors = [*self.form.non_field_errors(), *self.form["version"].errors]
        if self.rows is None:
            errors += self.answer_errors
        elif self.rows.is_bound:
            errors += self.rows.non_form_errors()
        if self.hints is not None and self.hints.is_bound:
            errors += self.hints.non_form_errors()
        return errors

    def with_version(self, version):
        """This submission again, set to carry quiz version `version`."""
        return QuestionEditor(self.qtype.name, data=with_version(self.data, version))

    def with_more_rows(self, count=ROWS_PER_CLICK):
        """This submission again with `count` more blank answer rows, or hint rows when
        the button pressed asked for hints."""
        data = self.data.copy()
        prefix, limit = (
            (self.HINTS_PREFIX, HINTS_MAX)
            if data.get(ADD_ROWS) == HINTS and self.hints is not None
            else (self.PREFIX, ANSWERS_MAX)
        )
        total = f"{prefix}-TOTAL_FORMS"
        try:
            rows = int(data.get(total, 0))
        except ValueError:
            rows = 0
        data[total] = str(min(rows + count, limit))
        return QuestionEditor(self.qtype.name, data=data)
