"""Streaming bodies that hold the request's session until they are done.

A streaming view returns before its body runs: the body's ORM queries run
while the server sends it, so the request's session must stay bound until
then. `keep_session_until_streamed` replaces the response's
streaming_content with a wrapper that closes the request scope after the
last chunk, or when Django closes the response (a client that went away):
the StreamingHttpResponse setter registers the wrapper's close() with the
response, and both WSGI servers and Django's ASGI handler close every
response. Closing is idempotent.

The wrapper has no read(), so a FileResponse is then streamed through it
rather than handed to wsgi.file_wrapper: correct, if a little slower.
"""

from asgiref.sync import sync_to_async


class _ClosingStream:
    def __init__(self, close_scope):
        self._close_scope = close_scope
        self._closed = False

    def close(self):
        if not self._closed:
            self._closed = True
            self._close_scope()


class ClosingStream(_ClosingStream):
    """A synchronous body; iterated by WSGI servers (or, under ASGI, in a worker thread)."""

    def __init__(self, content, close_scope):
        super().__init__(close_scope)
        self._iterator = iter(content)

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._iterator)
        except StopIteration:
            self.close()
            raise


class AsyncClosingStream(_ClosingStream):
    """An asynchronous body; its ORM calls reach the request's thread via sync_to_async."""

    def __init__(self, content, close_scope):
        super().__init__(close_scope)
        self._iterator = aiter(content)

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await anext(self._iterator)
        except StopAsyncIteration:
            await sync_to_async(self.close)()
            raise


def keep_session_until_streamed(response, close_scope):
    wrapper = AsyncClosingStream if response.is_async else ClosingStream
    response.streaming_content = wrapper(response.streaming_content, close_scope)
