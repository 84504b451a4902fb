"""Test-only models, in two collections, outside any installed app.

Their app label names no installed app, so makemigrations ignores them and
MongoDB creates their collections on first insert (also inside a transaction).
"""

from django.db import models


class Note(models.Model):
    label = models.CharField(max_length=200)

    class Meta:
        app_label = "sessions_mw_tests"
        db_table = "sessions_mw_test_notes"

    def __str__(self):
        return self.label


class Audit(models.Model):
    label = models.CharField(max_length=200)

    class Meta:
        app_label = "sessions_mw_tests"
        db_table = "sessions_mw_test_audits"

    def __str__(self):
        return self.label


def write_pair(label):
    """One write to each collection: what the tests expect to find together or not at all."""
    Note.objects.create(label=label)
    Audit.objects.create(label=label)


def labels(model=Note):
    return sorted(model.objects.values_list("label", flat=True))
