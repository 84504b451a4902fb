"""The learner player: /q/<share code>/ and the pages of an attempt at it."""

from django.urls import path

from quizzes.views import player

app_name = "player"

urlpatterns = [
    path("<str:code>/", player.start, name="start"),
]
