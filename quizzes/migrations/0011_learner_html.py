from django.db import migrations


def render_learner_texts(apps, schema_editor):
    """Releases stored before every learner text came with its HTML get it: each
    question's payload is rendered again (QuestionType.learner_html: the question's
    `text_html`, now with its formulas as MathML, and its choices' or stems'). It is
    derived data: running it again changes nothing."""
    from quizzes.qtypes import registry

    releases = schema_editor.connection.get_collection(
        apps.get_model("quizzes", "Release")._meta.db_table
    )
    for release in releases.find({}, {"learner": 1}):
        learner = {
            question_id: registry.of(payload).learner_html(payload)
            for question_id, payload in release.get("learner", {}).items()
        }
        if learner != release.get("learner", {}):
            releases.update_one({"_id": release["_id"]}, {"$set": {"learner": learner}})


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0010_media")]

    operations = [migrations.RunPython(render_learner_texts, migrations.RunPython.noop)]
