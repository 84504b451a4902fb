"""Django admin for quizzes, questions and attempts: find and inspect, change little.

Content is written through quizzes.operations and quizzes.bank only
(versions, slots and counters depend on it), so here a quiz can only be handed to another owner or
deleted, both through quizzes.operations; categories, questions and
attempts are read-only; a share (quizzes.colleagues) can be seen and revoked. Teachers edit content in the teachers' UI.
"""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from quizzes import operations
from quizzes.attempts import with_attempt_counts
from quizzes.models import Attempt, Category, CategoryShare, Question, Quiz, QuizShare


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists, searches and shows; never adds, changes or deletes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CountingChangeList(ChangeList):
    """The page of quizzes, each with its attempt count: one aggregation for the page."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = with_attempt_counts(self.result_list)


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "owner",
        "status",
        "share_code",
        "question_count",
        "attempts",
        "updated_at",
    )
    list_filter = ("status", "updated_at", "created_at")
    search_fields = ("title", "description", "owner__username", "=share_code")
    date_hierarchy = "updated_at"
    fields = (
        "title",
        "owner",
        "status",
        "share_code",
        "tags",
        "description",
        "version",
        "created_at",
    )
    readonly_fields = tuple(name for name in fields if name != "owner")

    def has_add_permission(self, request):
        return False

    def get_changelist(self, request, **kwargs):
        return CountingChangeList

    @admin.display(description=_("attempts"))
    def attempts(self, quiz):
        return quiz.attempt_count

    def save_model(self, request, obj, form, change):
        """Only the owner can change here: the quiz is handed over (operations.hand_over)."""
        operations.hand_over(obj, obj.owner, author=request.user)

    def get_deleted_objects(self, objs, request):
        """A quiz's questions and attempts go with it: that needs no permission of their own."""
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request, obj):
        operations.delete_quiz(obj)

    def delete_queryset(self, request, queryset):
        for quiz in queryset:
            operations.delete_quiz(quiz)


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("name", "owner", "category", "type", "points", "version", "updated_at")
    list_filter = ("type", "text_format", "updated_at")
    search_fields = ("name", "text", "owner__username", "category__name")
    list_select_related = ("owner", "category")
    fields = (
        "owner", "category", "type", "name", "idnumber", "tags", "text", "text_format",
        "points", "general_feedback", "version", "answer_table",
    )  # fmt: skip

    @admin.display(description=_("answers"))
    def answer_table(self, question):
        if not question.answers:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (a.text, a.match, "" if a.value is None else f"{a.value} ± {a.tolerance or 0}",
                 f"{a.fraction:g} %", a.feedback)
                for a in question.answers
            ),
        )  # fmt: skip
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("text"), _("match"), _("number"), _("grade"), _("feedback"), rows,
        )  # fmt: skip


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ("name", "owner", "parent", "idnumber", "updated_at")
    search_fields = ("name", "idnumber", "owner__username")
    list_select_related = ("owner", "parent")


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = (
        "quiz", "user", "learner_name", "state", "score", "max_score", "percent", "passed",
        "submitted_at",
    )  # fmt: skip
    list_filter = ("state", "passed", "submitted_at")
    search_fields = ("quiz__title", "user__username", "learner_name")
    list_select_related = ("quiz", "user")
    date_hierarchy = "submitted_at"
    exclude = ("results", "token_hash", "seed")


class ShareAdmin(admin.ModelAdmin):
    """Who an item is shared with: listed, searched, revoked; made and changed by the
    item's owner on its Colleagues page (quizzes.colleagues), never here."""

    list_display = ("item", "user", "role", "created_by", "created_at")
    list_filter = ("role", "created_at")
    search_fields = ("item__title", "user__username", "user__email")
    list_select_related = ("item", "user", "created_by")
    readonly_fields = ("item", "user", "role", "created_by", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuizShare)
class QuizShareAdmin(ShareAdmin):
    pass


@admin.register(CategoryShare)
class CategoryShareAdmin(ShareAdmin):
    search_fields = ("item__name", "user__username", "user__email")
