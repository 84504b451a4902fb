"""The teachers' UI. Quiz, question and category ids are ObjectIds: anything else is a 404."""

from bson import ObjectId
from django.urls import path, re_path, register_converter

from quizzes.views import (
    bank,
    bank_questions,
    bank_versions,
    colleagues,
    dashboard,
    events,
    history,
    media,
    preview,
    questions,
    quiz,
    results,
    sharing,
    slots,
    transfer,
)


class ObjectIdConverter:
    """24 lowercase hex digits, as `str(ObjectId())` writes them."""

    regex = "[0-9a-f]{24}"

    def to_python(self, value):
        return ObjectId(value)

    def to_url(self, value):
        return str(value)


register_converter(ObjectIdConverter, "oid")

QUIZ = "quizzes/<oid:quiz_id>/"
QUESTION = QUIZ + "questions/<oid:question_id>/"
CATEGORY = "bank/categories/<oid:category_id>/"
BANK_QUESTION = "bank/questions/<oid:question_id>/"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("shared/", dashboard.shared_quizzes, name="shared_quizzes"),
    path("join/", sharing.join, name="join"),
    path("quizzes/new/", quiz.create_quiz, name="quiz_create"),
    path("quizzes/import/", transfer.preview_import, name="quiz_import"),
    path("quizzes/import/confirm/", transfer.import_previewed, name="quiz_import_confirm"),
    path(QUIZ, quiz.quiz_editor, name="quiz_editor"),
    path(QUIZ + "edit/", quiz.edit_quiz_settings, name="quiz_edit"),
    path(QUIZ + "delete/", quiz.confirm_quiz_delete, name="quiz_delete"),
    path(QUIZ + "duplicate/", quiz.duplicate_quiz, name="quiz_duplicate"),
    path(QUIZ + "status/", quiz.set_quiz_status, name="quiz_status"),
    path(QUIZ + "preview/", preview.quiz_preview, name="quiz_preview"),
    path(QUIZ + "events/", events.quiz_events, name="quiz_events"),
    path(QUIZ + "history/", history.history, name="quiz_history"),
    path("quizzes/<oid:item_id>/colleagues/", colleagues.quiz_colleagues, name="quiz_colleagues"),
    path(
        "quizzes/<oid:item_id>/colleagues/<oid:share_id>/",
        colleagues.quiz_colleague_role,
        name="quiz_colleague_role",
    ),
    path(
        "quizzes/<oid:item_id>/colleagues/<oid:share_id>/revoke/",
        colleagues.quiz_colleague_revoke,
        name="quiz_colleague_revoke",
    ),
    path(QUIZ + "history/compare/", history.compare, name="quiz_history_compare"),
    path(QUIZ + "history/<int:number>/", history.revision_detail, name="quiz_revision"),
    path(QUIZ + "history/<int:number>/restore/", history.restore, name="quiz_revision_restore"),
    path(QUIZ + "qr.<slug:kind>", sharing.quiz_qr_code, name="quiz_qr"),
    path(QUIZ + "export/<slug:format_name>/", transfer.export_quiz, name="quiz_export"),
    path(QUIZ + "questions/add/<slug:qtype>/", questions.add_question, name="question_add"),
    path(QUIZ + "questions/reorder/", questions.reorder_questions, name="question_reorder"),
    path(QUESTION + "edit/", questions.edit_question, name="question_edit"),
    path(QUESTION + "events/", events.question_events, name="question_events"),
    path(QUESTION + "duplicate/", questions.duplicate_question, name="question_duplicate"),
    path(QUESTION + "delete/", questions.confirm_question_delete, name="question_delete"),
    path(QUESTION + "move-up/", questions.move_question_up, name="question_move_up"),
    path(QUESTION + "move-down/", questions.move_question_down, name="question_move_down"),
    path(QUIZ + "bank/", slots.add_from_bank, name="quiz_add_from_bank"),
    path(QUIZ + "random/", slots.add_random_slot, name="quiz_add_random"),
    path(QUIZ + "slots/remove/", slots.remove_slot, name="quiz_slot_remove"),
    path("bank/", bank.bank_home, name="bank"),
    path("bank/categories/new/", bank.create_category, name="bank_category_create"),
    path(CATEGORY, bank_questions.question_list, name="bank_category"),
    path(CATEGORY + "edit/", bank.edit_category, name="bank_category_edit"),
    path(CATEGORY + "move/", bank.move_category, name="bank_category_move"),
    path(CATEGORY + "delete/", bank.delete_category, name="bank_category_delete"),
    path(
        "bank/categories/<oid:item_id>/colleagues/",
        colleagues.category_colleagues,
        name="category_colleagues",
    ),
    path(
        "bank/categories/<oid:item_id>/colleagues/<oid:share_id>/",
        colleagues.category_colleague_role,
        name="category_colleague_role",
    ),
    path(
        "bank/categories/<oid:item_id>/colleagues/<oid:share_id>/revoke/",
        colleagues.category_colleague_revoke,
        name="category_colleague_revoke",
    ),
    path("bank/questions/", bank_questions.question_list, name="bank_questions"),
    path(
        "bank/questions/new/<slug:qtype>/",
        bank_questions.add_bank_question,
        name="bank_question_add",
    ),
    path(BANK_QUESTION + "edit/", bank_questions.edit_bank_question, name="bank_question_edit"),
    path(BANK_QUESTION + "events/", events.bank_question_events, name="bank_question_events"),
    path(BANK_QUESTION + "versions/", bank_versions.version_list, name="bank_versions"),
    path(
        BANK_QUESTION + "versions/compare/",
        bank_versions.compare_versions,
        name="bank_versions_compare",
    ),
    path(
        BANK_QUESTION + "versions/<int:number>/",
        bank_versions.version_detail,
        name="bank_version",
    ),
    path(
        BANK_QUESTION + "versions/<int:number>/restore/",
        bank_versions.restore_version,
        name="bank_version_restore",
    ),
    path("markdown-preview/", preview.markdown_preview, name="markdown_preview"),
    path(QUIZ + "results/", results.attempt_list, name="results"),
    path(QUIZ + "results/delete/", results.delete_attempts, name="results_delete"),
    path(QUIZ + "results/statistics/", results.statistics, name="results_statistics"),
    *(
        path(
            f"{QUIZ}results/{name}.{extension}",
            results.export,
            kwargs,
            name=f"results_{name}_{extension}",
        )
        for name, what in (("export", "attempts"), ("statistics", "statistics"))
        for extension in ("csv", "xlsx")
        for kwargs in [{"what": what, "extension": extension}]
    ),
    path(QUIZ + "results/<oid:attempt_id>/", results.attempt_detail, name="results_attempt"),
    path("media/upload/", media.upload, name="media_upload"),
    re_path(r"^media/(?P<sha256>[0-9a-f]{64})/(?P<name>[^/]+)$", media.serve, name="media"),
]
