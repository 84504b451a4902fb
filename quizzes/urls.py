"""The teachers' UI. Quiz and question ids are ObjectIds: anything else is a 404."""

from bson import ObjectId
from django.urls import path, register_converter

from quizzes.views import dashboard, preview, questions, quiz, transfer


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

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("quizzes/new/", quiz.quiz_create, name="quiz_create"),
    path("quizzes/import/", transfer.quiz_import, name="quiz_import"),
    path("quizzes/import/confirm/", transfer.quiz_import_confirm, name="quiz_import_confirm"),
    path(QUIZ, quiz.quiz_editor, name="quiz_editor"),
    path(QUIZ + "edit/", quiz.quiz_edit, name="quiz_edit"),
    path(QUIZ + "delete/", quiz.quiz_delete, name="quiz_delete"),
    path(QUIZ + "duplicate/", quiz.quiz_duplicate, name="quiz_duplicate"),
    path(QUIZ + "status/", quiz.quiz_status, name="quiz_status"),
    path(QUIZ + "preview/", preview.quiz_preview, name="quiz_preview"),
    path(QUIZ + "export/<slug:format_name>/", transfer.quiz_export, name="quiz_export"),
    path(QUIZ + "questions/add/<slug:qtype>/", questions.question_add, name="question_add"),
    path(QUIZ + "questions/reorder/", questions.question_reorder, name="question_reorder"),
    path(QUESTION + "edit/", questions.question_edit, name="question_edit"),
    path(QUESTION + "duplicate/", questions.question_duplicate, name="question_duplicate"),
    path(QUESTION + "delete/", questions.question_delete, name="question_delete"),
    path(QUESTION + "move-up/", questions.question_move_up, name="question_move_up"),
    path(QUESTION + "move-down/", questions.question_move_down, name="question_move_down"),
    path("markdown-preview/", preview.markdown_preview, name="markdown_preview"),
]
