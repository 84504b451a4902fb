"""The teachers' browser UI: one module per area (dashboard, quiz, questions, preview).

Views stay thin: they find the quiz the user may see (`access`), bind a form
from `quizzes.forms`, call `quizzes.operations` and pick a response. Every POST
runs in the request's MongoDB transaction (sessions_mw), so a view that
refuses something answers with a status >= 400 and nothing is committed.

A view is named for what it does: a page for what it shows (dashboard,
quiz_editor, quiz_preview), anything else with a verb (create_quiz,
confirm_quiz_delete shows the page asking to confirm, delete_quiz deletes).
The URL names in quizzes/urls.py are the addresses templates and tests use.
"""
