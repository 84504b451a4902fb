"""The small forms of the question bank's pages: what the teacher picked or typed.

As in quizzes.forms, the rules live elsewhere (quizzes.validation, quizzes.bank):
these forms only read values, and the category menus list what the teacher may
choose, so that an id from another bank is refused as a bad choice. The quiz menu
lists only the teacher's latest quizzes: a chosen quiz is checked by its id.
"""

from bson import ObjectId
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quizzes import bank, listing
from quizzes.access import bank_categories
from quizzes.forms import VERSION_MAX, VersionForm, add_errors
from quizzes.models import QuestionType, Quiz, QuizStatus

# How a category is indented in a menu, per level below the top.
INDENT = "\u2003"
RANDOM_COUNT_MAX = 100
# The quizzes of a bulk form's menu: the teacher's most recently changed.
MENU_QUIZZES = 50


def category_choices(owner, exclude=()):
    """(id, indented name) of the owner's categories in tree order, without `exclude` ids."""
    return [
        (str(category.pk), INDENT * depth + category.name)
        for category, depth, _count in bank.category_tree(owner, counted=False)
        if category.pk not in exclude
    ]


class CategoryChoiceField(forms.ChoiceField):
    """One of the owner's categories (set `choices` per request)."""

    def __init__(self, *args, root_label=None, **kwargs):
        self.root_label = root_label
        super().__init__(*args, **kwargs)

    def set_owner(self, owner, exclude=()):
        choices = category_choices(owner, exclude)
        if self.root_label is not None:
            choices = [("", self.root_label), *choices]
        self.choices = choices


class OwnedForm(forms.Form):
    """A form whose category menus list `owner`'s categories (less `exclude`)."""

    def __init__(self, owner, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        for field in self.fields.values():
            if isinstance(field, CategoryChoiceField):
                field.set_owner(owner, exclude)

    shared = None  # a category shared with the teacher, the only one offered (PlacementForm)

    def category(self, name="category"):
        """The Category chosen in field `name` (None for the root)."""
        if self.shared is not None:
            return self.shared
        pk = self.cleaned_data.get(name)
        return bank_categories(self.owner).get(pk=pk) if pk else None


def text_field(label, help_text="", rows=None, required=False):
    """A text input; `required` only asks the browser, quizzes.validation has the last word."""
    if rows:
        widget = forms.Textarea(attrs={"rows": rows})
    else:
        widget = forms.TextInput(attrs={"required": True} if required else {})
    return forms.CharField(label=label, help_text=help_text, required=False, widget=widget)


class CategoryForm(OwnedForm):
    """A category's name, description and ID number; a new one also its parent."""

    name = text_field(_("Name"), required=True)
    description = text_field(_("Description"), _("Markdown."), rows=3)
    idnumber = text_field(
        _("ID number"),
        _("Optional: an identifier of your own, unique in your bank (as in Moodle)."),
    )
    parent = CategoryChoiceField(label=_("Inside"), required=False, root_label=_("(top level)"))

    def to_data(self):
        return {name: self.cleaned_data[name] for name in ("name", "description", "idnumber")}

    def show_errors(self, error):
        add_errors(self, error)


class CategoryEditForm(CategoryForm, VersionForm):
    """CategoryForm for an existing category: no parent (moving is its own form)."""

    parent = None


class MoveCategoryForm(OwnedForm, VersionForm):
    parent = CategoryChoiceField(label=_("New place"), required=False, root_label=_("(top level)"))


class DeleteCategoryForm(VersionForm):
    with_content = forms.BooleanField(required=False)


class QuestionFilterForm(forms.Form):
    """The search of a question list; an invalid value is ignored (and shown)."""

    q = forms.CharField(label=_("Text"), required=False, max_length=200)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *QuestionType.choices]
    )
    subcategories = forms.BooleanField(label=_("Include subcategories"), required=False)

    def filters(self):
        self.is_valid()
        values = self.cleaned_data
        return {
            "text": values.get("q", "").strip(),
            "tag": values.get("tag", "").strip(),
            "qtype": values.get("type", ""),
            "subcategories": values.get("subcategories", False),
        }


class QuestionIdsForm(OwnedForm):
    """The questions ticked in a list (ids the owner's bank is then narrowed to)."""

    ids = forms.MultipleChoiceField(
        error_messages={"required": _("Tick at least one question first.")}
    )

    def __init__(self, owner, *args, **kwargs):
        super().__init__(owner, *args, **kwargs)
        ticked = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(value, value) for value in ticked]

    def ticked(self):
        """The owner's questions among those ticked, by name."""
        return list(bank.owned(self.owner, self.cleaned_data["ids"]).order_by("name"))

    def problem(self):
        """Why the form is refused when nothing was ticked; None for a malformed request."""
        return self.errors.get("ids", [None])[0]


class BulkForm(QuestionIdsForm):
    """A bulk action on the ticked questions of a list (the button pressed says which)."""

    ACTIONS = ("move", "tag", "delete", "add_to_quiz")

    action = forms.ChoiceField(choices=[(name, name) for name in ACTIONS])
    target = CategoryChoiceField(label=_("Move to category"), required=False, root_label="—")
    tags = forms.CharField(label=_("Tags to add"), required=False, max_length=500)
    quiz = forms.CharField(label=_("Quiz"), required=False, widget=forms.Select)
    confirm = forms.BooleanField(required=False)

    def __init__(self, owner, *args, **kwargs):
        super().__init__(owner, *args, **kwargs)
        menu = listing.page(own_quizzes_match(owner), MENU_QUIZZES)
        field = self.fields["quiz"]
        field.widget.choices = [("", "—"), *((str(quiz.pk), quiz.title) for quiz in menu.items)]
        if menu.older is not None:
            field.help_text = gettext(
                "Your %(count)s most recently changed quizzes. To add questions to another "
                "quiz, open it and use “Add from the bank”."
            ) % {"count": MENU_QUIZZES}

    def chosen_quiz(self):
        """The quiz chosen: any of own_quizzes by its id, in the menu or not (the menu
        lists the MENU_QUIZZES most recently changed, read along an index, a teacher
        may have 20,000); None for none or another's."""
        pk = self.cleaned_data["quiz"]
        return own_quizzes(self.owner).filter(pk=pk).first() if ObjectId.is_valid(pk) else None


def own_quizzes(owner):
    """The quizzes a teacher builds from their bank: their own (a quiz uses its owner's
    bank), but the archived ones, which are read-only."""
    return Quiz.objects.filter(owner=owner).exclude(status=QuizStatus.ARCHIVED)


def own_quizzes_match(owner):
    """The same quizzes as a MongoDB query on their collection (quizzes.listing)."""
    return {"owner_id": owner.pk, "status": {"$ne": QuizStatus.ARCHIVED.value}}


class PlacementForm(OwnedForm):
    """Where a bank question sits and how it is tagged: shown beside the question editor.
    In a category `shared` with the teacher (quizzes.access), that category is the only
    one offered."""

    prefix = "bank"
    category = CategoryChoiceField(label=_("Category"))
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas, e.g. algebra, year 9."),
    )

    def __init__(self, owner, *args, shared=None, **kwargs):
        super().__init__(owner, *args, **kwargs)
        self.shared = shared
        if shared is not None:
            self.fields["category"].choices = [(str(shared.pk), shared.name)]


class AddFromBankForm(QuestionIdsForm, VersionForm):
    """Bank questions ticked to be added to a quiz."""


class RandomSlotForm(OwnedForm, VersionForm):
    category = CategoryChoiceField(label=_("Category"))
    count = forms.IntegerField(
        label=_("Number of questions"), min_value=1, max_value=RANDOM_COUNT_MAX, initial=1
    )
    include_subcategories = forms.BooleanField(label=_("Include subcategories"), required=False)


class SlotForm(VersionForm):
    slot = forms.CharField(max_length=24)


class CompareForm(forms.Form):
    """Two version numbers of a question."""

    old = forms.IntegerField(label=_("Older version"), min_value=1, max_value=VERSION_MAX)
    new = forms.IntegerField(label=_("Newer version"), min_value=1, max_value=VERSION_MAX)
