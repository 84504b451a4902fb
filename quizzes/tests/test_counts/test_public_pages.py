"""MongoDB commands of the learner's pages (join, the player but its question page,
media), the account pages, the site's own (health, metrics, API schema and docs) and
the admin: the same for 1 and 1,000 questions and for 50 and 20,000 quizzes.

The player's question page is counted by its own tests (test_completeness).
"""

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import CategoryShare, Quiz, QuizShare
from quizzes.tests.test_counts.counting import assert_constant_counts, row
from quizzes.tests.test_counts.scale import png_bytes, small_world

pytestmark = pytest.mark.django_db


def player_url(name):
    return lambda w: reverse(f"player:{name}", args=[w.code, w.learner_key])


def url(name, *args):
    return lambda w: reverse(name, args=args)


LEARNER = [
    row("join", "", url("join"), client="anonymous"),
    row(
        "player:start",
        "release",
        lambda w: reverse("player:start", args=[w.code]),
        client="anonymous",
    ),
    row(
        "player_start_post",
        "release insert:attempt",
        lambda w: reverse("player:start", args=[w.code]),
        method="post",
        client="anonymous",
        data=lambda w: {"name": "Cy"},
        status=303,
        pattern="player:start",
    ),
    row(
        "player:save",
        "release attempt update:attempt",
        player_url("save"),
        method="post",
        client="learner",
        data=lambda w: {"page": 1},
        status=204,
    ),
    row("player:review", "find:release attempt", player_url("review"), client="learner"),
    row(
        "player:submit",
        "release attempt update:attempt",
        player_url("submit"),
        method="post",
        client="learner",
        status=303,
    ),
    row("player:result", "release attempt", player_url("result"), client="learner"),
    row(
        "media",
        "find:release find:files find:files find:chunks",
        lambda w: w.picture.url,
        client="anonymous",
    ),
    row(
        "media_upload",
        "session user find:files commit update:session",
        url("media_upload"),
        method="post",
        data=lambda w: {"file": SimpleUploadedFile("dot.png", png_bytes())},
        status=201,
    ),
]

SITE = [
    row("healthz", "", url("healthz"), client="anonymous"),
    row("metrics", "session user", url("metrics"), client="admin"),
    row("api-schema", "", url("api-schema"), client="anonymous"),
    row("api-docs", "", url("api-docs"), client="anonymous"),
    row("api_not_found", "", lambda w: "/api/v2/", client="anonymous", status=404, pattern="^api/"),
    row(
        "set_language",
        "",
        url("set_language"),
        method="post",
        client="anonymous",
        data=lambda w: {"language": "en", "next": "/join/"},
        status=302,
    ),
    row("login", "", url("login"), client="anonymous"),
    row(
        "login_post",
        "user session insert:session update:user update:session commit update:session",
        url("login"),
        method="post",
        client="anonymous",
        data=lambda w: {"username": "teacher", "password": w.password},
        status=302,
        pattern="login",
    ),
    row("password_reset", "session user", url("password_reset"), client="anonymous"),
    row("password_reset_done", "session user", url("password_reset_done"), client="anonymous"),
    row(
        "password_reset_confirm",
        "session user",
        url("password_reset_confirm", "MQ", "set-password"),
        client="anonymous",
    ),
    row(
        "password_reset_complete",
        "session user",
        url("password_reset_complete"),
        client="anonymous",
    ),
    row("password_change", "session user", url("password_change")),
    row("password_change_done", "session user", url("password_change_done")),
    row(
        "logout",
        "session user session delete:session commit",
        url("logout"),
        method="post",
        client="leaving",
        status=302,
    ),
]


# The commands of the admin's pages of each model (admin_rows).
ADMIN_PAGES = {
    "admin:auth_user_changelist": "session user auth_group user user user",
    "admin:auth_user_add": "session user",
    "admin:auth_user_redirect": "session user",
    "admin:auth_user_change": "session user user auth_group permission auth_group permission",
    "admin:auth_user_history": "session user user log",
    "admin:auth_user_delete": "session user user log auth_user_groups auth_user_user_permissions token quiz category question importrun quizshare categoryshare",
    "admin:auth_group_changelist": "session user auth_group auth_group auth_group",
    "admin:auth_group_add": "session user permission",
    "admin:auth_group_redirect": "session user",
    "admin:auth_group_change": "session user auth_group permission permission",
    "admin:auth_group_history": "session user auth_group log",
    "admin:auth_group_delete": "session user auth_group auth_group_permissions auth_user_groups",
    "admin:authtoken_tokenproxy_changelist": "session user token token token",
    "admin:authtoken_tokenproxy_add": "session user user",
    "admin:authtoken_tokenproxy_redirect": "session user",
    "admin:authtoken_tokenproxy_change": "session user user token user",
    "admin:authtoken_tokenproxy_history": "session user user token log",
    "admin:authtoken_tokenproxy_delete": "session user user token",
    "admin:quizzes_quiz_changelist": "session user quiz quiz quiz attempt quiz quiz",
    "admin:quizzes_quiz_add": "session user",
    "admin:quizzes_quiz_redirect": "session user",
    "admin:quizzes_quiz_change": "session user quiz user",
    "admin:quizzes_quiz_history": "session user quiz log",
    "admin:quizzes_quiz_delete": "session user quiz release attempt attempt quizshare",
    "admin:quizzes_question_changelist": "session user question question question",
    "admin:quizzes_question_add": "session user",
    "admin:quizzes_question_redirect": "session user",
    "admin:quizzes_question_change": "session user question user category",
    "admin:quizzes_question_history": "session user question log",
    "admin:quizzes_question_delete": "session user question",
    "admin:quizzes_category_changelist": "session user category category category",
    "admin:quizzes_category_add": "session user",
    "admin:quizzes_category_redirect": "session user",
    "admin:quizzes_category_change": "session user category user",
    "admin:quizzes_category_history": "session user category log",
    "admin:quizzes_category_delete": "session user category",
    "admin:quizzes_attempt_changelist": "session user attempt attempt attempt attempt attempt",
    "admin:quizzes_attempt_add": "session user",
    "admin:quizzes_attempt_redirect": "session user",
    "admin:quizzes_attempt_change": "session user attempt quiz release",
    "admin:quizzes_attempt_history": "session user attempt log",
    "admin:quizzes_attempt_delete": "session user attempt",
    "admin:quizzes_quizshare_changelist": "session user quizshare quizshare quizshare",
    "admin:quizzes_quizshare_add": "session user",
    "admin:quizzes_quizshare_redirect": "session user",
    "admin:quizzes_quizshare_change": "session user quizshare quiz user",
    "admin:quizzes_quizshare_history": "session user quizshare log",
    "admin:quizzes_quizshare_delete": "session user quizshare",
    "admin:quizzes_categoryshare_changelist": "session user categoryshare categoryshare categoryshare",
    "admin:quizzes_categoryshare_add": "session user",
    "admin:quizzes_categoryshare_redirect": "session user",
    "admin:quizzes_categoryshare_change": "session user categoryshare category user",
    "admin:quizzes_categoryshare_history": "session user categoryshare log",
    "admin:quizzes_categoryshare_delete": "session user categoryshare",
}
# The admin's read-only models: their add and delete pages refuse (403).
READ_ONLY = {"quizzes_question", "quizzes_category", "quizzes_attempt"}


def admin_share(model, item):
    """A share of `item` with a colleague (made once), for the admin's share pages."""
    colleague = User.objects.get_or_create(username="admin-colleague")[0]
    return model.objects.get_or_create(item=item, user=colleague)[0]


def admin_url(model, page, pk):
    """The admin's page `page` of `model` (of the object `pk` for the pages of one); its
    "redirect" is an object's bare URL, which redirects to its change page."""
    if page in ("changelist", "add"):
        return reverse(f"admin:{model}_{page}")
    if page == "redirect":
        return reverse(f"admin:{model}_change", args=[pk]).removesuffix("change/")
    return reverse(f"admin:{model}_{page}", args=[pk])


def admin_rows():
    """The admin's pages for each model it shows, and its own.

    A user's delete page is counted for a user with nothing else: Django's deletion
    collects every object a user's deletion would take (their quizzes, questions...),
    in batches that grow with them (for 20,000 quizzes past the request's time limit).
    """
    objects = {
        "auth_user": lambda w: w.admin.pk,
        "auth_group": lambda w: Group.objects.get_or_create(name="Teachers")[0].pk,
        "authtoken_tokenproxy": lambda w: w.teacher.pk,  # a token is shown by its user
        "quizzes_quiz": lambda w: w.quiz.pk,
        "quizzes_question": lambda w: w.question.pk,
        "quizzes_category": lambda w: w.category.pk,
        "quizzes_attempt": lambda w: w.attempt.pk,
        "quizzes_quizshare": lambda w: admin_share(QuizShare, w.quiz).pk,
        "quizzes_categoryshare": lambda w: admin_share(CategoryShare, w.category).pk,
    }
    rows = [
        row("admin:index", "session user log", url("admin:index"), client="admin"),
        row("admin:app_list", "session user", url("admin:app_list", "quizzes"), client="admin"),
        row("admin:login", "session user", url("admin:login"), client="admin", status=302),
        row("admin:password_change", "session user", url("admin:password_change"), client="admin"),
        row(
            "admin:logout",
            "session user session delete:session commit",
            url("admin:logout"),
            method="post",
            client="leaving_admin",
            status=302,
        ),
        row(
            "admin:password_change_done",
            "session user",
            url("admin:password_change_done"),
            client="admin",
        ),
        row(
            "admin:view_on_site",
            "session user contenttype quiz",
            lambda w: reverse(
                "admin:view_on_site",
                args=[ContentType.objects.get_for_model(Quiz).pk, w.quiz.pk],
            ),
            client="admin",
            status=404,  # no model here has a page on the site (get_absolute_url)
        ),
        row("admin:jsi18n", "session user", url("admin:jsi18n"), client="admin"),
        row(
            "admin:autocomplete",
            "session user user user",
            lambda w: (
                reverse("admin:autocomplete")
                + "?app_label=quizzes&model_name=quiz&field_name=owner&term=t"
            ),
            client="admin",
        ),
        row(
            "admin:catch_all",
            "session user",
            lambda w: "/admin/nothing/",
            client="admin",
            status=404,
            pattern="admin/(?P<url>.*)$",
        ),
        row(
            "admin:auth_user_password_change",
            "session user user",
            lambda w: reverse("admin:auth_user_password_change", args=[w.teacher.pk]),
            client="admin",
        ),
    ]
    for model, pk in objects.items():
        app, name = model.split("_", 1)
        statuses = {"add": 403 if app == "quizzes" else 200, "redirect": 302}
        if model in READ_ONLY:
            statuses["delete"] = 403
        for page in ("changelist", "add", "redirect", "change", "history", "delete"):
            key = f"admin:{model}_{page}"
            rows.append(
                row(
                    key,
                    ADMIN_PAGES[key],
                    lambda w, model=model, page=page, pk=pk: admin_url(model, page, pk(w)),
                    client="admin",
                    status=statuses.get(page, 200),
                    pattern=f"admin/{app}/{name}/<path:object_id>/" if page == "redirect" else None,
                )
            )
    return rows


def test_public_pages_read_as_much_at_any_scale(teacher, teacher_password):
    world = small_world(teacher)
    world.password = teacher_password
    assert_constant_counts(world, LEARNER + SITE + admin_rows())
