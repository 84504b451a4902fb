"""Raw reads: documents as MongoDB stores them, for read paths that only serialize them.

Building a model instance for every embedded answer of every question costs
more than the query that read them (issue 14: 1.7 ms for the 40 answers of
a 10-question quiz); the API's serializers read dicts as well as instances.
These reads go through the backend's own client and the request's session
(`connection.session`, which sessions_mw binds), so they see what the ORM
sees: inside a request's transaction, its writes.

A document's fields are named by their columns. Fields added to a model after
a document was written are filled in by their migration (the backend sets
their default on every document), but not in embedded documents: `embedded`
gives those the default the model instance would have.
"""

from django.db import connection


def collection(model):
    """The collection of `model`, through the backend's client."""
    return connection.get_collection(model._meta.db_table)


def find(model, query, projection=None, expected=0):
    """A cursor over the documents of `model` matching `query`, in the request's session.

    `expected`: how many documents match at most (e.g. the ids asked for), so that they
    come in one reply (16 MiB at most) instead of a first batch of 101, then more: a
    batch of one more than that, which the server sees it cannot fill, so it closes
    the cursor instead of leaving a getMore to ask."""
    batch_size = expected + 1 if expected else 0
    return collection(model).find(
        query, projection, session=connection.session, batch_size=batch_size
    )


def find_one(model, query, projection=None):
    """The document of `model` matching `query` (or None), in the request's session."""
    return collection(model).find_one(query, projection, session=connection.session)


def embedded(model, document):
    """An embedded `model`'s stored `document` with a value for each of its fields:
    the model's default for those it was written without."""
    return {
        field.attname: document[field.attname] if field.attname in document else field.get_default()
        for field in model._meta.concrete_fields
    }


def instance(model, document, deferred=()):
    """The `model` instance of a stored `document`, its values converted as the backend
    converts what its queries read (aware datetimes, embedded models...): a model
    instance for one find, without compiling a query. The fields named in `deferred`
    (left out of the find's projection) are deferred, as `QuerySet.defer` leaves them:
    read from the database when first used."""
    fields = [field for field in model._meta.concrete_fields if field.attname not in deferred]
    values = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        value = document.get(field.column)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        for convert in converters:
            value = convert(value, column, connection)
        values.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], values)
