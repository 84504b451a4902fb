"""Import a file of quizzes, export a quiz as a file: the API's side.

    POST quizzes/import/?format=auto|json|gift|moodlexml&strict=false&bank_only=false
                                                                        (multipart "file")
        201 {"quizzes": [quiz...], "questions": n, "bank_only": [why...],
             "warnings": [...], "skipped": {reason: count}}
        400 problem+json: errors.file names the question, line and what is wrong
        413 problem+json: over settings.OPENQUIZZ_IMPORT_MAX_BYTES
    GET quizzes/{id}/export/?format=json|gift|moodlexml
        200 the file, as an attachment named after the quiz

The same code as the commands and the teacher UI (quizzes.formats.store):
the questions go into the bank under the file's categories, each quiz of the
file becomes a draft quiz unless `bank_only` or it has more questions than a
quiz holds (`bank_only` in the answer says why). The import runs outside the
request's transaction so that a large file is staged in batches and becomes
visible at the end; a refused or failed file leaves nothing visible.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.access import VIEWER, get_quiz
from quizzes.api.exceptions import PROBLEM_CONTENT_TYPE, PayloadTooLarge
from quizzes.api.serializers import ProblemSerializer, QuizSerializer
from quizzes.formats import FORMATS, FormatError
from quizzes.formats.web import UploadTooLarge, download, import_upload
from sessions_mw.decorators import non_transactional, request_timeout


class ImportParameters(serializers.Serializer):
    format = serializers.ChoiceField(choices=["auto", *FORMATS], default="auto")
    strict = serializers.BooleanField(
        default=False, help_text="Refuse question types OpenQuizz does not have (else skip them)."
    )
    bank_only = serializers.BooleanField(
        default=False, help_text="Put the questions into the bank only, making no quiz."
    )


class ImportUpload(serializers.Serializer):
    file = serializers.FileField(help_text="A GIFT, Moodle XML or OpenQuizz JSON file.")


class ImportResult(serializers.Serializer):
    quizzes = QuizSerializer(many=True)
    questions = serializers.IntegerField(help_text="Questions put into the bank.")
    bank_only = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why a quiz of the file was not made (more questions than a quiz holds).",
    )
    warnings = serializers.ListField(child=serializers.CharField())
    skipped = serializers.DictField(child=serializers.IntegerField())


class ExportParameters(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(FORMATS), default="json")


class FileFormatParameter:
    """`?format=` names a file format here, not DRF's renderer override.

    DRF would answer 404 for a format no renderer has ("gift"): negotiation
    falls back to the default renderer instead, for errors; an export
    answers with the file's own type whatever the request accepts.
    """

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


def valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(tags=["quizzes"])
class QuizImportView(FileFormatParameter, APIView):
    """The questions of a GIFT, Moodle XML or OpenQuizz JSON file go into the question bank
    under the file's categories (one named after the file when it has none); a GIFT or
    Moodle XML file becomes one draft quiz (named after the file), an OpenQuizz JSON file
    every quiz it holds, unless `bank_only` or a quiz would have more questions than a quiz
    holds. All or nothing: a file with an
    error creates nothing, and `errors.file` names the question and line at fault.
    Questions of types OpenQuizz does not have are skipped (listed in `warnings`, counted
    in `skipped`), or refused with `strict=true`."""

    parser_classes = (MultiPartParser,)

    @extend_schema(
        summary="Create quizzes from a GIFT, Moodle XML or OpenQuizz JSON file",
        parameters=[ImportParameters],
        request={"multipart/form-data": ImportUpload},
        responses={201: ImportResult},
    )
    @non_transactional
    @request_timeout(None)  # a large file: batches in one request; each bounded by the client
    def post(self, request):
        options = valid(ImportParameters, request.query_params)
        upload = valid(ImportUpload, request.data)["file"]
        try:
            imported = import_upload(
                request.user,
                upload,
                options["format"],
                options["strict"],
                bank_only=options["bank_only"],
            )
        except UploadTooLarge as error:
            raise PayloadTooLarge(str(error)) from None
        except FormatError as error:
            raise ValidationError({"file": [f"{upload.name}: {error}"]}) from None
        body = {
            "quizzes": QuizSerializer(
                imported.quizzes, many=True, context={"request": request}
            ).data,
            "questions": imported.questions,
            "bank_only": imported.bank_only,
            "warnings": imported.result.warnings,
            "skipped": dict(imported.result.skipped),
        }
        return Response(body, status=201)


@extend_schema(tags=["quizzes"])
class QuizExportView(FileFormatParameter, APIView):
    """The file is an attachment named after the quiz. OpenQuizz JSON keeps everything;
    GIFT and Moodle XML keep what Moodle has (not the status or the quiz options). JSON
    and Moodle XML carry the quiz's images; GIFT cannot: it links to them on this site,
    and the header OpenQuizz-Export-Warning says how many."""

    @extend_schema(
        summary="A quiz as a GIFT, Moodle XML or OpenQuizz JSON file",
        parameters=[ExportParameters, OpenApiParameter("quiz_id", str, OpenApiParameter.PATH)],
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, "OpenQuizz JSON"),
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, "Moodle GIFT (UTF-8)"),
            (200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, "Moodle XML"),
            (400, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, "Unknown format"),
        },
    )
    def get(self, request, quiz_id):
        options = valid(ExportParameters, request.query_params)
        quiz = get_quiz(request.user, quiz_id, VIEWER)
        return download(quiz, options["format"], request)
