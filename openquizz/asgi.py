"""ASGI entry point: what `make run` (uvicorn) and the Docker image (gunicorn with
uvicorn workers) serve (README "Serving under ASGI"): `openquizz.asgi:application`.

Django's ASGI handler, with one change: a streaming response whose body is
synchronous (the results CSV, a media file, a static file) is sent chunk by
chunk as under WSGI, each chunk read in the request's thread (where
sessions_mw binds its session), instead of read to its end first (Django's
own way, with a warning), which would hold a whole export in memory.
"""

import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openquizz.settings")


async def chunks_from_thread(iterator):
    """`iterator`'s chunks, each read by a thread-sensitive call (the request's thread)."""
    read = sync_to_async(next)
    while (chunk := await read(iterator, None)) is not None:
        yield chunk


class StreamingASGIHandler(ASGIHandler):
    """ASGIHandler sending synchronous streaming bodies as they are read."""

    async def send_response(self, response, send):
        if response.streaming and not response.is_async:
            response.streaming_content = chunks_from_thread(response.streaming_content)
        await super().send_response(response, send)


def get_application():
    """The application, Django set up first (as django.core.asgi.get_asgi_application)."""
    django.setup(set_prefix=False)
    return StreamingASGIHandler()


application = get_application()
