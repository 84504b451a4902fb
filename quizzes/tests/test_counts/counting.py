"""Count tables: each row a request and the exact MongoDB commands it sends.

A table's requests are made at the small scale, the data grown (scale.grow),
and made again: both times each request must send exactly its row's commands
(scale.commands), so a count that grows with the questions or the quizzes fails.

A row's expected commands are one string, in order: a collection's short name
(SHORT) alone for an aggregate (what the ORM sends for any read), "command:name"
for any other command ("find:quiz", "update:session"), "commit" or "abort" for the
end of the request's transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import resolve

from quizzes.tests.test_counts import scale
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

SHORT = {
    "django_session": "session",
    "auth_user": "user",
    "authtoken_token": "token",
    "django_content_type": "contenttype",
    "django_admin_log": "log",
    "auth_permission": "permission",
    "quizzes_quiz": "quiz",
    "quizzes_question": "question",
    "quizzes_questionversion": "version",
    "quizzes_category": "category",
    "quizzes_release": "release",
    "quizzes_revision": "revision",
    "quizzes_attempt": "attempt",
    "quizzes_importrun": "importrun",
    "quizzes_quizshare": "quizshare",
    "quizzes_categoryshare": "categoryshare",
    "media.files": "files",
    "media.chunks": "chunks",
}
ENDS = {"commitTransaction": "commit", "abortTransaction": "abort"}


@dataclass(frozen=True)
class Row:
    """One request of a count table.

    `url(world)` must resolve to the URL pattern `key` (test_completeness counts on it);
    it and `data(world)` are called before the counting starts (they may make what the
    request needs); `client` names one of World.clients; `expected` is its commands as
    the module docstring says, `status` its response's status; `options` go to the
    client's method (an APIClient's `format`).
    """

    name: str
    expected: str
    url: Callable
    method: str = "get"
    client: str = "teacher"
    data: Callable = None
    status: int = 200
    options: dict = None
    pattern: str = None

    @property
    def key(self):
        """The URL pattern it requests (test_completeness.pattern_key): `pattern`, else its name."""
        return self.pattern or self.name


row = Row


def pattern_key(match):
    """How the count tables name the URL pattern of ResolverMatch `match`: its namespaced
    name, or for a pattern without a name its route."""
    return match.view_name if match.url_name else match.route


def short_form(pairs):
    """A row's expected string of [(command, collection)]."""
    words = []
    for command, collection in pairs:
        if collection is None:
            words.append(ENDS.get(command, command))
        else:
            name = SHORT.get(collection, collection)
            words.append(name if command == "aggregate" else f"{command}:{name}")
    return " ".join(words)


def measure(world, table):
    """{row name: (status, expected string)} of each row's request, made once."""
    recorder = CommandRecorder()
    seen = {}
    with backend_client_with(recorder):
        for request in table:
            client = world.clients[request.client]
            url = request.url(world)
            assert pattern_key(resolve(urlsplit(url).path)) == request.key, (request.name, url)
            extra = dict(request.options or {})
            if request.data is not None:
                extra["data"] = request.data(world)
            recorder.clear()
            response = getattr(client, request.method)(url, **extra)
            if response.streaming:
                b"".join(response.streaming_content)
            response.close()
            seen[request.name] = (response.status_code, short_form(scale.commands(recorder)))
    return seen


def assert_constant_counts(world, table):
    """Each row's request sends its expected commands at the small scale and at the large."""
    assert len({request.name for request in table}) == len(table), "two rows of one name"
    expected = {request.name: (request.status, request.expected) for request in table}
    # Content types are read once per process, then cached (the admin's pages ask).
    ContentType.objects.get_for_models(*apps.get_models(), for_concrete_models=False)
    for scale_name in ("small", "large"):
        if scale_name == "large":
            scale.grow(world)
        seen = measure(world, table)
        wrong = "".join(
            f"\n{name}: expected {expected[name]}, did {did}"
            for name, did in seen.items()
            if did != expected[name]
        )
        assert not wrong, f"at the {scale_name} scale:{wrong}"
