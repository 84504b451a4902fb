"""Who may see and change which quiz and which part of a bank: the one place that
says it, for the teachers' UI, the API, the exports and the event streams.

Roles, weakest first: VIEWER, EDITOR, OWNER. A quiz's owner (and staff, for
every quiz) has OWNER: everything. A teacher its owner shared it with
(quizzes.models.QuizShare) has that share's role:

- EDITOR sees and changes the quiz: settings, slots, its questions, publish and
  unpublish, results and grading; not deleting it, handing it over or
  managing its shares (those need OWNER);
- VIEWER sees it (the editor page read-only, preview, history, results,
  exports) and changes nothing.

Any other user gets 404 for every URL naming the quiz, never 403: as far as
they can tell it does not exist, the same as an id nobody uses. A user who
may see an item but lacks the role a change needs gets 403 (PermissionDenied).
Learners see published quizzes only, as their live release
(quizzes.releases.live_releases).

Banks: a teacher's bank is theirs (staff have no special right there). A
category shared with a colleague (quizzes.models.CategoryShare) is shared with
its subcategories and their questions: an EDITOR edits those questions (the
versions they write are theirs) and adds questions there; a VIEWER sees,
previews and exports them. Arranging the categories themselves (create,
rename, move, delete) and their shares stays with the owner. Where several
shares reach a category (a parent's and its own), the strongest role counts.
Categories being filled by an import (`Category.staging`) and their questions
are invisible to everyone until the import finishes.

Files (quizzes.media) are their owner's; a teacher a colleague shares a quiz or a
category with also reads that colleague's files, which the shared items show.

Each item found here carries `role`, the user's role on it, so that pages
show only what the user may do (`may`).
"""

from bson import ObjectId
from bson.errors import InvalidId
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from quizzes import documents, media
from quizzes.models import Category, CategoryShare, Question, Quiz, QuizShare, Share, Slot

VIEWER = Share.Role.VIEWER.value
EDITOR = Share.Role.EDITOR.value
OWNER = "owner"
RANKS = {VIEWER: 1, EDITOR: 2, OWNER: 3}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def may(item, role):
    """Whether the role `item` was found with (its `role`) reaches `role`."""
    return RANKS[item.role] >= RANKS[role]


def require(item, role):
    """`item` if its finder's role reaches `role`; PermissionDenied (403) otherwise."""
    if not may(item, role):
        raise PermissionDenied
    return item


def needed(request):
    """The role a request needs on what it names: VIEWER to read, EDITOR to change."""
    return VIEWER if request.method in SAFE_METHODS else EDITOR


def strongest(roles):
    """The strongest of `roles`; None for none."""
    return max(roles, key=RANKS.__getitem__, default=None)


def object_id(value):
    """`value` as an ObjectId; Http404 for anything that is not one."""
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        raise Http404 from None


# -- quizzes ------------------------------------------------------------------------
def owned_quizzes_match(user):
    """MongoDB query on the quizzes collection: those `user` owns (staff: every quiz),
    read along the owner-leading indexes of quizzes.listing. Shared quizzes are
    listed apart (shared_quizzes_match)."""
    return {} if user.is_staff else {"owner_id": user.pk}


def quiz_role(user, quiz):
    """`user`'s role on `quiz`: OWNER for its owner and staff (no query), else the role
    of their share of it (one find), None without one."""
    if user.is_staff or quiz.owner_id == user.pk:
        return OWNER
    return (
        QuizShare.objects.filter(item_id=quiz.pk, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )


def with_role(user, quiz, role=VIEWER):
    """`quiz` with `role` set to `user`'s: Http404 if they may not see it,
    PermissionDenied if their role does not reach `role`."""
    quiz.role = quiz_role(user, quiz)
    if quiz.role is None:
        raise Http404
    return require(quiz, role)


def get_quiz(user, quiz_id, role=VIEWER):
    """The quiz `quiz_id` with `user`'s `role` on it (see with_role): one find for its
    owner, two for a colleague."""
    quiz = Quiz.objects.filter(pk=object_id(quiz_id)).first()
    if quiz is None:
        raise Http404
    return with_role(user, quiz, role)


def editor_quiz(user, quiz_id, role=VIEWER):
    """The quiz `quiz_id` if `user` may see it (Http404 otherwise; PermissionDenied if
    their role does not reach `role`), as get_quiz gives it, in one find for its
    owner: the document made a Quiz as the ORM would (documents.instance), but its
    slots made Slot instances directly. The backend's conversion of embedded
    documents, field by field, would cost 20 ms for a quiz of 1,000 questions."""
    document = documents.find_one(Quiz, {"_id": object_id(quiz_id)})
    if document is None:
        raise Http404
    quiz = documents.instance(Quiz, document, deferred={"slots"})
    quiz.slots = [Slot(**documents.embedded(Slot, slot)) for slot in document["slots"]]
    return with_role(user, quiz, role)


def shared_quiz_roles(user):
    """{quiz id: role} of the quizzes shared with `user`, in one command however many
    there are: the shares, read along the (user, item) index, grouped into one
    document (a cursor of them would take a getMore per 101 shares)."""
    shares = connection.get_collection(QuizShare._meta.db_table).aggregate(
        [
            {"$match": {"user_id": user.pk}},
            {"$group": {"_id": None, "shares": {"$push": {"item": "$item_id", "role": "$role"}}}},
        ],
        session=connection.session,
    )
    return {row["item"]: row["role"] for document in shares for row in document["shares"]}


def shared_quizzes_match(roles):
    """MongoDB query on the quizzes collection: the quizzes of `roles`
    (shared_quiz_roles)."""
    return {"_id": {"$in": list(roles)}}


# -- banks --------------------------------------------------------------------------
def bank_categories(user):
    """The categories of `user`'s own bank that may be seen."""
    return Category.objects.filter(owner=user, staging=None)


def bank_questions(user):
    """The questions of `user`'s own bank that may be seen (not those of a staged import)."""
    return Question.objects.filter(owner=user, category__in=bank_categories(user).values("pk"))


def lineage(category):
    """The ids of `category` and of the categories above it, in one find of its bank's
    (id, parent) pairs."""
    parents = dict(
        Category.objects.filter(owner_id=category.owner_id)
        .order_by()
        .values_list("pk", "parent_id")
    )
    ids = [category.pk]
    while parents.get(ids[-1]) is not None and len(ids) <= len(parents):
        ids.append(parents[ids[-1]])
    return ids


def category_role(user, category):
    """`user`'s role on `category`: OWNER for its owner (no query), else the strongest
    role of their shares of it or of a category above it (two finds), None without."""
    if category.owner_id == user.pk:
        return OWNER
    shares = CategoryShare.objects.filter(user_id=user.pk, item_id__in=lineage(category))
    return strongest(shares.order_by().values_list("role", flat=True))


def category_with_role(user, category, role=VIEWER):
    """`category` with `role` set to `user`'s (Http404 if they may not see it,
    PermissionDenied if it does not reach `role`)."""
    if category is None or category.staging is not None:
        raise Http404
    category.role = category_role(user, category)
    if category.role is None:
        raise Http404
    return require(category, role)


def get_category(user, category_id, role=VIEWER):
    """The category `category_id`, of `user`'s bank or shared with them, with their
    `role` on it (see category_with_role): one find in their own bank."""
    category = Category.objects.filter(pk=object_id(category_id)).first()
    return category_with_role(user, category, role)


def get_bank_question(user, question_id, role=VIEWER):
    """The question `question_id` of `user`'s bank or of a category shared with them,
    with their `role` on it (its category's): one find in their own bank, five for
    a colleague. Http404 / PermissionDenied as get_category."""
    pk = object_id(question_id)
    question = bank_questions(user).filter(pk=pk).first()
    if question is not None:
        question.role = OWNER
        return question
    question = Question.objects.filter(pk=pk).exclude(owner_id=user.pk).first()
    if question is None:
        raise Http404
    question.role = category_with_role(user, question.category, role).role
    return question


def shared_categories(user):
    """The categories shared with `user` (not those below them), each with `role` and
    its owner: three finds (the shares, the categories, their owners)."""
    roles = dict(
        CategoryShare.objects.filter(user_id=user.pk).order_by().values_list("item_id", "role")
    )
    found = Category.objects.filter(pk__in=list(roles), staging=None).select_related("owner")
    categories = sorted(found, key=lambda category: (category.owner.get_username(), category.name))
    for category in categories:
        category.role = roles[category.pk]
    return categories


# -- files --------------------------------------------------------------------------
def sharing_owners(user):
    """The ids of the teachers who share a quiz or a category with `user` (two finds)."""
    quizzes = QuizShare.objects.filter(user_id=user.pk).values_list("item__owner_id", flat=True)
    categories = CategoryShare.objects.filter(user_id=user.pk).values_list(
        "item__owner_id", flat=True
    )
    return set(quizzes.order_by()) | set(categories.order_by())


def colleague_file(user, sha256):
    """The stored file (quizzes.media) of these bytes that a colleague sharing a quiz or
    a category with `user` stored, which what they share shows; None for any other.
    Files are named by the SHA-256 of their bytes: only a reference gives the name."""
    if not user.is_authenticated:
        return None
    for owner_id in sharing_owners(user):
        document = media.stored_file(sha256, owner_id)
        if document is not None:
            return document
    return None
