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
    path("quizzes/new/", quiz.create_quiz, name="quiz_create"),
    path("quizzes/import/", transfer.preview_import, name="quiz_import"),
    path("quizzes/import/confirm/", transfer.import_previewed, name="quiz_import_confirm"),
    path(QUIZ, quiz.quiz_editor, name="quiz_editor"),
    path(QUIZ + "edit/", quiz.edit_quiz_settings, name="quiz_edit"),
    path(QUIZ + "delete/", quiz.confirm_quiz_delete, name="quiz_delete"),
    path(QUIZ + "duplicate/", quiz.duplicate_quiz, name="quiz_duplicate"),
    path(QUIZ + "status/", quiz.set_quiz_status, name="quiz_status"),
    path(QUIZ + "preview/", preview.quiz_preview, name="quiz_preview"),
    path(QUIZ + "export/<slug:format_name>/", transfer.export_quiz, name="quiz_export"),
    path(QUIZ + "questions/add/<slug:qtype>/", questions.add_question, name="question_add"),
    path(QUIZ + "questions/reorder/", questions.reorder_questions, name="question_reorder"),
    path(QUESTION + "edit/", questions.edit_question, name="question_edit"),
    path(QUESTION + "duplicate/", questions.duplicate_question, name="question_duplicate"),
    path(QUESTION + "delete/", questions.confirm_question_delete, name="question_delete"),
    path(QUESTION + "move-up/", questions.move_question_up, name="question_move_up"),
    path(QUESTION + "move-down/", questions.move_question_down, name="question_move_down"),
    path("markdown-preview/", preview.markdown_preview, name="markdown_preview"),
]
