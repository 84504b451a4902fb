"""Essay: learners write a free text, which the teacher grades.

No answers; an answered essay is graded 0 points and waits for the teacher
("needs grading"), its points still counting in the attempt's maximum.
A response is a string.
"""

from django.utils.translation import gettext_lazy as _

from quizzes.fields import TEXT_MAX
from quizzes.qtypes.base import QuestionType


class Essay(QuestionType):
    name = "essay"
    label = _("Essay")
    summary = _("Learners write a free text, which you grade yourself.")
    manual = True
    xml_penalty = "0.0000000"
    gift_order = 0  # an empty answer block

    no_answers_message = _("An essay question has no answers to fill in.")

    response_schema = {"type": "string", "description": "essay: the learner's text"}
    response_max_length = TEXT_MAX

    def gift_matches(self, spec):
        return not spec

    def xml_write(self, writer):
        return (
            writer.element("responseformat", "editor")
            + writer.element("responserequired", "1")
            + writer.element("responsefieldlines", "15")
            + writer.element("attachments", "0")
            + writer.element("attachmentsrequired", "0")
            + writer.rich("graderinfo", "", "html", 2)
            + writer.rich("responsetemplate", "", "html", 2)
        )


TYPE = Essay()
