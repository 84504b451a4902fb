"""The raw baseline of `make bench` (README "Performance"): a WSGI app on pymongo alone.

For any request, answers the response bytes stored under its path (and query
string, if any) in the `bench_raw` collection of the database the app uses:
one `find` per request, no framework. bench/suite.py stores there, once, the
bytes the app answered for the same URL, so both sides serve the same bytes
from the same MongoDB; the suite serves this app with the same gunicorn
settings as the app's (`gunicorn --pythonpath bench raw_app:application`).

Environment: MONGODB_URI and MONGODB_NAME, as for the app.
"""

import functools
import os

from pymongo import MongoClient

COLLECTION = "bench_raw"


@functools.cache
def documents():
    """The collection, through one client per worker process (made at its first request)."""
    return MongoClient(os.environ["MONGODB_URI"])[os.environ["MONGODB_NAME"]][COLLECTION]


def key(environ):
    """The `_id` a request's response is stored under: its path and query string."""
    query = environ.get("QUERY_STRING", "")
    return environ["PATH_INFO"] + (f"?{query}" if query else "")


def application(environ, start_response):
    stored = documents().find_one({"_id": key(environ)})
    if stored is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Nothing stored for this URL.\n"]
    body = bytes(stored["body"])
    start_response(
        "200 OK",
        [("Content-Type", stored["content_type"]), ("Content-Length", str(len(body)))],
    )
    return [body]
