"""/api/v1/ endpoints (docs/architecture.md, "The HTTP surface"). Object ids in URLs are ObjectId hex strings.

Routes are matched by `[0-9a-f]{24}` ids, so any other id is a 404 before a
view runs. Further endpoints are appended to `urlpatterns`.
"""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from quizzes.api.attempts import AttemptViewSet
from quizzes.api.bank import BankQuestionViewSet, CategoryViewSet
from quizzes.api.delivery import PublishedQuizViewSet
from quizzes.api.events import quiz_events
from quizzes.api.media import MediaUploadView
from quizzes.api.results import QuizStatisticsView
from quizzes.api.revisions import RevisionViewSet
from quizzes.api.shares import (
    CategoryShareViewSet,
    QuizShareViewSet,
    SharedCategoryViewSet,
    SharedQuizViewSet,
)
from quizzes.api.slots import SlotViewSet
from quizzes.api.transfer import QuizExportView, QuizImportView
from quizzes.api.views import OBJECT_ID, QuestionViewSet, QuizViewSet, TokenView

app_name = "api"

router = SimpleRouter()
router.register("quizzes", QuizViewSet, basename="quiz")
router.register(
    rf"quizzes/(?P<quiz_id>{OBJECT_ID})/questions", QuestionViewSet, basename="question"
)
router.register(rf"quizzes/(?P<quiz_id>{OBJECT_ID})/slots", SlotViewSet, basename="slot")
router.register(
    rf"quizzes/(?P<quiz_id>{OBJECT_ID})/revisions", RevisionViewSet, basename="revision"
)
router.register("published", PublishedQuizViewSet, basename="published")
router.register("attempts", AttemptViewSet, basename="attempt")
router.register("categories", CategoryViewSet, basename="category")
router.register("questions", BankQuestionViewSet, basename="bank-question")
router.register(
    rf"quizzes/(?P<quiz_id>{OBJECT_ID})/shares", QuizShareViewSet, basename="quiz-share"
)
router.register(
    rf"categories/(?P<category_id>{OBJECT_ID})/shares",
    CategoryShareViewSet,
    basename="category-share",
)
router.register("shared/quizzes", SharedQuizViewSet, basename="shared-quiz")
router.register("shared/categories", SharedCategoryViewSet, basename="shared-category")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    *router.urls,
    path("quizzes/import/", QuizImportView.as_view(), name="quiz-import"),
    re_path(
        rf"^quizzes/(?P<quiz_id>{OBJECT_ID})/export/$", QuizExportView.as_view(), name="quiz-export"
    ),
    re_path(
        rf"^quizzes/(?P<quiz_id>{OBJECT_ID})/statistics/$",
        QuizStatisticsView.as_view(),
        name="quiz-statistics",
    ),
    re_path(rf"^quizzes/(?P<quiz_id>{OBJECT_ID})/events/$", quiz_events, name="quiz-events"),
    path("media/", MediaUploadView.as_view(), name="media-upload"),
]
