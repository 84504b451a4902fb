"""Test-only views. Each records what it saw in RECORD for the tests to check."""

from collections import Counter

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.db import connection, transaction
from django.http import JsonResponse, StreamingHttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django_mongodb_backend.transaction import atomic
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from sessions_mw import on_commit
from sessions_mw.decorators import non_transactional, request_timeout, transactional

from .models import Audit, Note, labels, write_pair


class Recorder:
    def __init__(self):
        self.reset()

    def reset(self):
        self.calls = Counter()
        self.hooks = []
        self.seen = {}


RECORD = Recorder()


def error_page(request, exception=None):
    return JsonResponse({"error": str(exception)}, status=404)


def server_error_page(request):
    return JsonResponse({"error": "server error"}, status=500)


def _finish(request, name, label):
    """Queue an on_commit hook, then fail or answer as the query asks."""
    on_commit(lambda: RECORD.hooks.append(label))
    if request.GET.get("fail"):
        raise RuntimeError("the view failed after writing")
    status = int(request.GET.get("status", 201))
    return JsonResponse({"label": label, "attempt": RECORD.calls[name]}, status=status)


def write(request):
    """Writes a Note and an Audit named by the POSTed label."""
    RECORD.calls["write"] += 1
    label = request.POST["label"]
    write_pair(label)
    return _finish(request, "write", label)


def read(request):
    RECORD.calls["read"] += 1
    return JsonResponse(
        {
            "labels": labels(),
            "in_transaction": request.mongo_session.in_transaction,
            "bound": connection.session is request.mongo_session,
        }
    )


@request_timeout(None)
def unbounded_read(request):
    """`read` without a time budget, whatever MONGO_SESSIONS says."""
    return read(request)


@request_timeout(5)
def patient_read(request):
    return read(request)


def no_database(request):
    return JsonResponse({"ok": True})


# -- atomic() ------------------------------------------------------------------
def atomic_in_request(request):
    """Nested atomic() blocks inside the request's transaction."""
    RECORD.calls["atomic_in_request"] += 1
    label = request.POST["label"]
    Note.objects.create(label=label)
    with atomic(), atomic():
        Audit.objects.create(label=label)
    session = request.mongo_session
    RECORD.seen["after_atomic"] = {
        "in_transaction": session.in_transaction,
        "ended": session.has_ended,
        "bound": connection.session is session,
    }
    # Django's own on_commit() reaches the same connection.
    transaction.on_commit(lambda: RECORD.hooks.append(f"{label}-django"))
    return _finish(request, "atomic_in_request", label)


def atomic_failure_caught(request):
    """An atomic() block raises; the view swallows the exception."""
    RECORD.calls["atomic_failure_caught"] += 1
    label = request.POST["label"]
    Note.objects.create(label=label)
    try:
        with atomic():
            Audit.objects.create(label=label)
            raise ValueError("inside atomic")
    except ValueError:
        pass
    return _finish(request, "atomic_failure_caught", label)


def atomic_failure(request):
    RECORD.calls["atomic_failure"] += 1
    label = request.POST["label"]
    Note.objects.create(label=label)
    with atomic():
        Audit.objects.create(label=label)
        raise ValueError("inside atomic")


def atomic_in_safe_request(request):
    """GET: one atomic() that commits, one that rolls back, reads after both."""
    label = request.GET["label"]
    session = request.mongo_session
    with atomic():
        write_pair(label)
        on_commit(lambda: RECORD.hooks.append(label))
        RECORD.seen["hooks_inside_block"] = list(RECORD.hooks)
    RECORD.seen["hooks_after_block"] = list(RECORD.hooks)
    try:
        with atomic():
            write_pair(f"{label}-rolled-back")
            on_commit(lambda: RECORD.hooks.append(f"{label}-rolled-back"))
            raise ValueError("roll back")
    except ValueError:
        pass
    RECORD.seen["after_atomic"] = {
        "in_transaction": session.in_transaction,
        "ended": session.has_ended,
        "bound": connection.session is session,
    }
    on_commit(lambda: RECORD.hooks.append(f"{label}-immediate"))
    return JsonResponse({"labels": labels()})


# -- what Django keeps for the request -----------------------------------------
def session_state(request):
    """Logs a user in, counts visits in the Django session, queues a message."""
    RECORD.calls["session_state"] += 1
    label = request.POST["label"]
    login(request, get_user_model().objects.get(username=request.POST["username"]))
    request.session["visits"] = request.session.get("visits", 0) + 1
    messages.info(request, f"saved {label}")
    write_pair(label)
    return _finish(request, "session_state", label)


def session_report(request):
    return JsonResponse(
        {
            "visits": request.session.get("visits"),
            "messages": [str(message) for message in messages.get_messages(request)],
            "user": request.user.get_username(),
        }
    )


def upload(request):
    """Multipart: the label and the uploaded file's content, read whole."""
    RECORD.calls["upload"] += 1
    content = request.FILES["file"].read().decode()
    label = f"{request.POST['label']}:{content}"
    write_pair(label)
    return _finish(request, "upload", label)


# -- decorators ----------------------------------------------------------------
@non_transactional
def untracked_write(request):
    RECORD.calls["untracked_write"] += 1
    label = request.POST["label"]
    write_pair(label)
    return _finish(request, "untracked_write", label)


@transactional
def tracked_read(request):
    RECORD.calls["tracked_read"] += 1
    return JsonResponse({"labels": labels()})


@transactional(read_concern="snapshot", write_concern={"w": 1}, max_commit_time_ms=4321)
def tracked_with_options(request):
    RECORD.calls["tracked_with_options"] += 1
    label = request.POST["label"]
    write_pair(label)
    return _finish(request, "tracked_with_options", label)


@method_decorator(non_transactional, name="dispatch")
class UntrackedView(View):
    def post(self, request):
        RECORD.calls["untracked_view"] += 1
        label = request.POST["label"]
        write_pair(label)
        return _finish(request, "untracked_view", label)


@transactional
class TrackedView(View):
    def get(self, request):
        RECORD.calls["tracked_view"] += 1
        label = request.GET["label"]
        write_pair(label)
        return _finish(request, "tracked_view", label)


class MethodLevelView(View):
    @method_decorator(non_transactional)
    def post(self, request):
        RECORD.calls["method_level_post"] += 1
        label = request.POST["label"]
        write_pair(label)
        return _finish(request, "method_level_post", label)

    def put(self, request):
        RECORD.calls["method_level_put"] += 1
        label = request.GET["label"]
        write_pair(label)
        return _finish(request, "method_level_put", label)


class PlainDRFMixin:
    """DRF settings of this test, whatever the project's REST_FRAMEWORK says."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    renderer_classes = [JSONRenderer]


class EchoAPIView(PlainDRFMixin, APIView):
    """DRF: request.data must be readable on every attempt."""

    def post(self, request):
        RECORD.calls["echo"] += 1
        label = request.data["label"]
        write_pair(label)
        return Response({"label": label}, status=201)


class NoteViewSet(PlainDRFMixin, viewsets.ViewSet):
    def create(self, request):
        RECORD.calls["viewset_create"] += 1
        write_pair(request.data["label"])
        return Response({"label": request.data["label"]}, status=201)

    @action(detail=False, methods=["post"])
    @non_transactional
    def untracked(self, request):
        RECORD.calls["viewset_untracked"] += 1
        write_pair(request.data["label"])
        return Response({"label": request.data["label"]}, status=201)

    @transactional(read_concern="snapshot")
    @action(detail=False, methods=["get"])
    def snapshot(self, request):
        RECORD.calls["viewset_snapshot"] += 1
        return Response({"labels": labels()})


# -- async ---------------------------------------------------------------------
async def async_write(request):
    RECORD.calls["async_write"] += 1
    label = request.POST["label"]
    await Note.objects.acreate(label=label)
    await Audit.objects.acreate(label=label)
    return await sync_to_async(_finish)(request, "async_write", label)


async def async_read(request):
    RECORD.calls["async_read"] += 1
    return JsonResponse({"labels": [note.label async for note in Note.objects.order_by("label")]})


class AsyncWriteView(View):
    async def post(self, request):
        RECORD.calls["async_view"] += 1
        label = request.POST["label"]
        await Note.objects.acreate(label=label)
        await Audit.objects.acreate(label=label)
        # Called from the event loop's thread: reaches the request's binding.
        on_commit(lambda: RECORD.hooks.append(label))
        return JsonResponse({"label": label}, status=int(request.GET.get("status", 201)))


# -- streaming -----------------------------------------------------------------
def stream(request):
    session = request.mongo_session
    RECORD.seen["stream_session"] = session
    RECORD.seen["stream_chunks"] = []

    def chunks():
        for number in range(3):
            RECORD.seen["stream_chunks"].append(
                {"bound": connection.session is session, "ended": session.has_ended}
            )
            yield f"{number}:{Note.objects.count()}\n"

    return StreamingHttpResponse(chunks())


async def async_stream(request):
    session = request.mongo_session
    RECORD.seen["stream_session"] = session
    RECORD.seen["stream_chunks"] = []

    async def chunks():
        for number in range(3):
            RECORD.seen["stream_chunks"].append({"ended": session.has_ended})
            yield f"{number}:{await Note.objects.acount()}\n"

    return StreamingHttpResponse(chunks())
