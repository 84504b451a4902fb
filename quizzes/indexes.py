"""Index kinds the models declare beyond Django's own."""

from django.db import models
from pymongo.operations import IndexModel


class TextIndex(models.Index):
    """A MongoDB text index on `fields`: `$text` finds the documents holding every
    word searched for in any of them, case and accents aside (quizzes.listing.search).

    Words are kept as typed (language "none": no stemming, no stop words), since
    quizzes are written in many languages. A collection has at most one text index.
    """

    # Its key as MongoDB lists it, whatever the fields (their words are kept apart).
    STORED_KEY = [("_fts", "text"), ("_ftsx", 1)]

    def get_pymongo_index_model(self, model, schema_editor, **kwargs):
        columns = [model._meta.get_field(name).column for name, _order in self.fields_orders]
        return IndexModel(
            [(column, "text") for column in columns], name=self.name, default_language="none"
        )
