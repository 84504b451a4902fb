"""Description: text shown in the flow of a quiz, with nothing to answer and no points.

Moodle's qtype_description: an introduction to the questions after it, a
reading passage, a picture. In GIFT it is a block without an answer block;
in Moodle XML `type="description"`.
"""

from django.utils.translation import gettext_lazy as _

from quizzes.qtypes.base import QuestionType


class Description(QuestionType):
    name = "description"
    label = _("Description")
    summary = _("Text shown between questions, with nothing to answer.")
    scored = False
    no_answers_message = _("A description has no answers.")
    gift_bare_text = True

    def json_schema(self):
        schema = super().json_schema()
        schema["properties"]["points"] = {"const": 0}
        return schema

    response_schema = None  # nothing to answer: only null (unanswered) fits
    response_message = _("A description takes no answer.")

    def response_fits(self, question, response):
        return False

    def read_response(self, post, name, view):
        return None

    def gift_write(self, writer):
        # As Moodle's export: the name and the text, no answer block; GIFT has no place for
        # the general feedback, which Moodle leaves out too. (Moodle also leaves out the blank
        # line after the question, so that its own import runs the description into the next
        # question; the GIFT writer keeps it.)
        return ""


TYPE = Description()
