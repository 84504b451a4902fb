"""The learner player: /q/<share code>/ and the pages of an attempt at it
(quizzes.views.player). Share codes are checked by the view (quizzes.sharing:
a code typed in lower case is redirected to its canonical form)."""

from django.urls import path, register_converter

from quizzes.api.attempts import ATTEMPT_ID
from quizzes.views import player

app_name = "player"

ATTEMPT = "<str:code>/a/<attempt:key>/"


class AttemptKeyConverter:
    """An attempt's public id: its quiz's id and its own (quizzes.attempts.public_id)."""

    regex = ATTEMPT_ID

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(AttemptKeyConverter, "attempt")

urlpatterns = [
    path("<str:code>/", player.start, name="start"),
    path(ATTEMPT, player.question, name="question"),
    path(ATTEMPT + "save/", player.save_page, name="save"),
    path(ATTEMPT + "review/", player.review, name="review"),
    path(ATTEMPT + "submit/", player.submit, name="submit"),
    path(ATTEMPT + "result/", player.result, name="result"),
]
