"""Sharing over HTTP: an item's colleagues, and what colleagues share with you.

    GET    quizzes/{id}/shares/                 the quiz's shares, oldest first
    POST   quizzes/{id}/shares/                 {"user": user name or e-mail, "role": "editor" |
                                                "viewer"}: 201 a new share; 200 when that
                                                colleague had one, whose role it changes
    GET PATCH DELETE quizzes/{id}/shares/{share_id}/   one share; PATCH {"role"}
    (the same under categories/{id}/shares/: a category with its subcategories)
    GET    shared/quizzes/                      the quizzes shared with you, recently changed
                                                first, cursor pages, each with your `role`
    GET    shared/categories/                   the categories shared with you

Only an item's owner manages its shares (quizzes.access.OWNER): a colleague it
is shared with gets 403, anyone else 404. The rules are quizzes.colleagues';
a refusal is a 400 problem+json naming the field, and writes nothing.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from quizzes import access, bank, colleagues, listing
from quizzes.api.bank import CategorySerializer
from quizzes.api.pagination import QuizCursorPagination
from quizzes.api.serializers import CommandSerializer, QuizSerializer
from quizzes.api.views import ObjectIdLookupMixin, read_body
from quizzes.attempts import with_attempt_counts
from quizzes.models import Category, CategoryShare, Quiz, QuizShare, Share

ROLE_HELP = gettext_lazy(
    "editor: changes the item (not deleting or sharing it); viewer: sees it only."
)


class ShareSerializer(serializers.Serializer):
    """A colleague an item is shared with."""

    id = serializers.CharField(read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    role = serializers.ChoiceField(choices=Share.Role.choices, help_text=ROLE_HELP)
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True, default=None
    )
    created_at = serializers.DateTimeField(read_only=True)


class ShareRequestSerializer(CommandSerializer):
    """Share an item with a colleague (again: change their role)."""

    user = serializers.CharField(
        max_length=254, help_text=gettext_lazy("The colleague's user name or e-mail.")
    )
    role = serializers.ChoiceField(choices=Share.Role.choices, help_text=ROLE_HELP)


class RoleSerializer(CommandSerializer):
    """A share's new role."""

    role = serializers.ChoiceField(choices=Share.Role.choices, help_text=ROLE_HELP)


def share_operations(subject):
    return {
        "list": extend_schema(
            summary=f"The colleagues the {subject} is shared with (its owner only)",
            responses={200: ShareSerializer(many=True)},
        ),
        "create": extend_schema(
            summary=f"Share the {subject} with a colleague, or change their role",
            request=ShareRequestSerializer,
            responses={200: ShareSerializer, 201: ShareSerializer},
        ),
        "retrieve": extend_schema(summary="One share", responses={200: ShareSerializer}),
        "partial_update": extend_schema(
            summary="Change a colleague's role", request=RoleSerializer, responses=ShareSerializer
        ),
        "destroy": extend_schema(
            summary=f"Revoke a share: the colleague no longer sees the {subject}",
            responses={204: None},
        ),
    }


class ShareViewSet(ObjectIdLookupMixin, viewsets.GenericViewSet):
    """The shares of the item of the URL (`find`: quizzes.access's get_quiz or
    get_category), its owner's to manage."""

    find = None
    item_kwarg = None
    serializer_class = ShareSerializer
    pagination_class = None
    lookup_url_kwarg = "share_id"

    def item(self):
        return self.find(self.request.user, self.kwargs[self.item_kwarg], access.OWNER)

    def share(self):
        item = self.item()
        found = colleagues.get_share(item, access.object_id(self.kwargs["share_id"]))
        if found is None:
            raise NotFound()
        return found

    def list(self, request, **kwargs):
        return Response(ShareSerializer(colleagues.shares_of(self.item()), many=True).data)

    def create(self, request, **kwargs):
        item = self.item()
        data = read_body(request, ShareRequestSerializer)
        try:
            found, created = colleagues.share(item, data["user"], data["role"], request.user)
        except colleagues.ShareError as error:
            raise ValidationError({"user": [str(error)]}) from None
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ShareSerializer(found).data, code)

    def retrieve(self, request, **kwargs):
        return Response(ShareSerializer(self.share()).data)

    def partial_update(self, request, **kwargs):
        found = self.share()
        colleagues.change_role(found, read_body(request, RoleSerializer)["role"])
        return Response(ShareSerializer(found).data)

    def destroy(self, request, **kwargs):
        colleagues.revoke(self.share())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["sharing"])
@extend_schema_view(**share_operations("quiz"))
class QuizShareViewSet(ShareViewSet):
    queryset = QuizShare.objects.none()
    find = staticmethod(access.get_quiz)
    item_kwarg = "quiz_id"


@extend_schema(tags=["sharing"])
@extend_schema_view(**share_operations("category"))
class CategoryShareViewSet(ShareViewSet):
    queryset = CategoryShare.objects.none()
    find = staticmethod(access.get_category)
    item_kwarg = "category_id"


class SharedQuizSerializer(QuizSerializer):
    role = serializers.ChoiceField(
        choices=Share.Role.choices, read_only=True, help_text=gettext_lazy("Your role on it.")
    )


SharedCategorySerializer = type(
    "SharedCategorySerializer",
    (CategorySerializer,),
    {
        "__doc__": "A category shared with you, with its subcategories and their questions.",
        "owner": serializers.CharField(source="owner.username", read_only=True),
        "role": serializers.ChoiceField(
            choices=Share.Role.choices, read_only=True, help_text=gettext_lazy("Your role on it.")
        ),
    },
)


@extend_schema(tags=["sharing"])
class SharedQuizViewSet(viewsets.GenericViewSet):
    queryset = Quiz.objects.none()
    serializer_class = SharedQuizSerializer
    pagination_class = QuizCursorPagination

    @extend_schema(
        summary="The quizzes colleagues share with you, recently changed first",
        responses={200: SharedQuizSerializer(many=True)},
    )
    def list(self, request):
        roles = access.shared_quiz_roles(request.user)
        page = self.paginator.paginate_match(access.shared_quizzes_match(roles), request)
        listing.with_owners(page, request.user)
        for quiz in with_attempt_counts(page):
            quiz.role = roles[quiz.pk]
        body = SharedQuizSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(body)


@extend_schema(tags=["sharing"])
class SharedCategoryViewSet(viewsets.GenericViewSet):
    queryset = Category.objects.none()
    serializer_class = SharedCategorySerializer
    pagination_class = None

    @extend_schema(
        summary="The categories colleagues share with you (each with what is under it)",
        responses={200: SharedCategorySerializer(many=True)},
    )
    def list(self, request):
        categories = access.shared_categories(request.user)
        counts = bank.question_counts(categories)
        for category in categories:
            category.depth, category.question_count = 0, counts.get(category.pk, 0)
        return Response(SharedCategorySerializer(categories, many=True).data)
