# Written by hand: the first release of every quiz published before releases existed.

from django.db import migrations


def release_published_quizzes(apps, schema_editor):
    """Each published quiz without a live release gets one, frozen from its slots and
    bank questions as they are now (what learners got until now). A published quiz
    with nothing to publish becomes a draft: learners could take nothing from it.

    Uses the current models and code, not the historical ones: a release's learner
    payload is made by the question types' code (quizzes.releases), which exists in
    its current form only. Running it again releases nothing twice."""
    from quizzes import operations, releases
    from quizzes.models import Quiz, QuizStatus

    released = list(releases.live_releases().values_list("quiz_id", flat=True))
    for quiz in Quiz.objects.filter(status=QuizStatus.PUBLISHED).exclude(pk__in=released):
        try:
            fields = operations.release_fields(quiz)
        except operations.EmptyQuiz:
            Quiz.objects.filter(pk=quiz.pk).update(status=QuizStatus.DRAFT)
        else:
            releases.store(quiz, fields)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0005_releases")]

    operations = [migrations.RunPython(release_published_quizzes, migrations.RunPython.noop)]
