"""Every URL pattern of the site has its MongoDB commands counted by a test.

A pattern is counted by a row of this folder's count tables (each row checks
that its URL resolves to the pattern it claims), or by the test module named in
COUNTED_ELSEWHERE.
"""

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from quizzes.tests.test_counts import test_api, test_public_pages, test_teacher_pages

# Pages and endpoints whose counts (1 vs 1,000 questions, 50 vs 20,000 quizzes) their
# own tests assert, next to the code that makes them constant.
COUNTED_ELSEWHERE = {
    "dashboard": "quizzes/tests/test_views/test_dashboard_scale.py",
    "api:quiz-list": "quizzes/tests/test_api/test_list_scale.py",
    "api:bank-question-list": "quizzes/tests/test_api/test_question_list_scale.py",
    "quiz_editor": "quizzes/tests/test_views/test_editor_scale.py",
    "api:quiz-detail": "quizzes/tests/test_api/test_reads.py",
    "api:published-detail": "quizzes/tests/test_api/test_reads.py",
    "api:published-list": "quizzes/tests/test_api/test_published_list_scale.py",
    "player:question": "quizzes/tests/test_views/test_player_reads.py",
}


def tables():
    return [
        *test_teacher_pages.BANK,
        *test_teacher_pages.QUIZ,
        *test_teacher_pages.RESULTS,
        *test_api.TABLE,
        *test_public_pages.LEARNER,
        *test_public_pages.SITE,
        *test_public_pages.admin_rows(),
    ]


def pattern_keys(patterns=None, prefix="", namespace=""):
    """The key (counting.pattern_key) of every URL pattern of the site."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    keys = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            keys |= pattern_keys(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            keys.add(f"{namespace}{pattern.name}" if pattern.name else route)
    return keys


def test_every_url_pattern_has_its_commands_counted():
    counted = {row.key for row in tables()}
    uncounted = pattern_keys() - counted - COUNTED_ELSEWHERE.keys()
    assert not uncounted, f"URL patterns no count table covers: {sorted(uncounted)}"


def test_what_the_lists_name_exists():
    assert not {row.key for row in tables()} - pattern_keys()
    assert not COUNTED_ELSEWHERE.keys() - pattern_keys()
    missing = {
        path for path in COUNTED_ELSEWHERE.values() if not (settings.BASE_DIR / path).exists()
    }
    assert not missing
    assert len(tables()) == len({row.name for row in tables()})
