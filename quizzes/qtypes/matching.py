"""Matching: learners match each question (stem) with its answer from a list.

Answers are pairs: `text` (the stem) and `match` (its answer); a pair without
a stem is a distractor, an extra wrong option. At least two stems, each with
its answer. The grade is the share of stems matched right (Moodle's
qtype_match). A response maps stem ids (indices of the answers) to the chosen
option's text.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quizzes.fields import ANSWER_TEXT_MAX, ANSWERS_MAX, error
from quizzes.qtypes.base import (
    COMBINED_FEEDBACK,
    QuestionType,
    answer_error,
    checkbox,
    choice_id,
    combined_feedback_form_fields,
    filled,
    is_choice_id,
    render_shown,
    reset_unused,
    shown_answer,
    text_area,
)


def stems(answers):
    """(id, answer) for the rows that ask something (not distractors)."""
    return [(i, answer) for i, answer in enumerate(answers) if answer["text"]]


def stem_name(name, stem_id):
    """The name of the input holding the match of one stem."""
    return f"{name}-{stem_id}"


class Matching(QuestionType):
    name = "matching"
    label = _("Matching")
    summary = _("Learners match each question with its answer from a list.")
    extra_fields = ("shuffle_answers", *COMBINED_FEEDBACK)
    answer_fields = ("text", "match", "feedback", "text_format", "feedback_format")
    blank_rows = 4
    row_label = _("Pair")
    add_label = _("Add a pair")
    help_text = _(
        "At least two questions, each with its matching answer. An answer without "
        "a question is a distractor: an extra wrong option in every list."
    )
    xml_names = ("match",)
    gift_order = 40

    def validate(self, question, errors):
        rows = filled(question["answers"])
        reset_unused(rows, self.answer_fields)
        first_row_of_stem = {}
        for index, answer in rows:
            if not answer["match"]:
                field, message = (
                    ("match", _("Give this question its matching answer."))
                    if answer["text"]
                    else ("text", _("Write a question, or an answer to use as a distractor."))
                )
                answer_error(errors, index, field, message, "required")
            stem = " ".join(answer["text"].split()).casefold()
            if stem and stem in first_row_of_stem:
                # Moodle takes the same question twice: an importer may too.
                message = _("This question is already asked in row %(number)s.")
                number = first_row_of_stem[stem] + 1
                errors.tolerate(
                    f"answers[{index}].text", error(message, "duplicate", number=number)
                )
            first_row_of_stem.setdefault(stem, index)
        pairs = [answer for _index, answer in rows if answer["text"] and answer["match"]]
        if len(pairs) < 2:
            message = _("Give at least two questions, each with its matching answer.")
            errors.add("answers", error(message, "too_few"))

    # -- learners ----------------------------------------------------------------------
    learner_texts = ("stems",)

    def learner_view(self, question):
        answers = question["answers"]
        return {
            "shuffle_answers": question["shuffle_answers"],
            "stems": [shown_answer(question, i, answer) for i, answer in stems(answers)],
            "options": sorted({answer["match"] for answer in answers if answer["match"]}),
        }

    response_schema = {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "matching: stem id → chosen option",
    }
    response_message = _("Give an object mapping stem ids to chosen options.")

    def response_fits(self, question, response):
        return (
            isinstance(response, dict)
            and len(response) <= ANSWERS_MAX
            and all(
                is_choice_id(key) and isinstance(match, str) and len(match) <= ANSWER_TEXT_MAX
                for key, match in response.items()
            )
        )

    def read_response(self, post, name, view):
        chosen = {str(stem["id"]): post.get(stem_name(name, stem["id"])) for stem in view["stems"]}
        return {stem: match for stem, match in chosen.items() if match}

    def learner_context(self, view, name, response, render, shuffle=None):
        given = response if isinstance(response, dict) else {}
        items = [
            {
                "id": stem["id"],
                "html": render_shown(render, stem),
                "name": stem_name(name, stem["id"]),
                "selected": given.get(str(stem["id"]), ""),
            }
            for stem in view["stems"]
        ]
        options = list(view["options"])
        if shuffle and view["shuffle_answers"]:
            # Moodle shuffles the stems; the options are shuffled too, so their
            # order gives no hint of the stems' order.
            shuffle(items)
            shuffle(options)
        return {"stems": items, "options": options}

    # -- grading -----------------------------------------------------------------------
    def matched(self, question, response):
        """(the stems asked, {stem id: the match given}) of a response."""
        given = {}
        for key, match in response.items() if isinstance(response, dict) else ():
            stem = choice_id(key, len(question["answers"]))
            if stem is not None and isinstance(match, str):
                given[stem] = match.strip()
        return stems(question["answers"]), given

    def grade(self, question, response):
        if not isinstance(response, dict):
            return 0, []
        asked, given = self.matched(question, response)
        right = self.parts_right(question, response)
        answered = [answer for i, answer in asked if i in given]
        return (100 * right / len(asked) if asked else 0), answered

    def parts_right(self, question, response):
        asked, given = self.matched(question, response)
        return sum(1 for i, answer in asked if given.get(i) == answer["match"])

    def marks(self, question, response):
        asked, given = self.matched(question, response)
        return {str(i): given[i] == answer["match"] for i, answer in asked if i in given}

    def answer_options(self, question):
        options = sorted({answer["match"] for answer in question["answers"] if answer["match"]})
        return [
            ((str(i), option), f"{stem['text']} → {option}")
            for i, stem in stems(question["answers"])
            for option in options
        ]

    def right_answer(self, question):
        shown = ", ".join(
            f"{answer['text']} → {answer['match']}" for _i, answer in stems(question["answers"])
        )
        return gettext("The correct answer is: %(answer)s") % {"answer": shown}

    # -- editor ------------------------------------------------------------------------
    def form_fields(self):
        return {
            "shuffle_answers": checkbox(_("Shuffle the questions of the matching"), initial=True),
            **combined_feedback_form_fields(),
        }

    def row_fields(self):
        return {
            "text": text_area(
                _("Question"), help_text=_("Leave empty to make the answer a distractor.")
            ),
            "match": forms.CharField(label=_("Matching answer"), required=False),
        }

    # -- GIFT ------------------------------------------------------------------------
    def gift_matches(self, spec):
        return "=" in spec and "->" in spec

    def gift_read(self, reader, section, offset):
        answers = []
        for answer, at in reader.split(section, offset, "="):
            stem, arrow, match = reader.unmarked(answer, "=").partition("->")
            if not arrow:
                raise reader.error(_("write each matching pair as “=question -> answer”"), at)
            text, text_format = reader.rich(stem)
            answers.append({"text": text, "text_format": text_format, "match": reader.plain(match)})
        return {"answers": answers}

    def gift_write(self, writer):
        rows = [
            f"={writer.answer_text(answer)} -> {writer.escape(answer['match'])}"
            for answer in writer.question["answers"]
        ]
        return writer.lines("{", rows)

    # -- Moodle XML ------------------------------------------------------------------
    def xml_read(self, reader):
        answers = []
        for pair in reader.element.findall("subquestion"):
            stem, match = reader.rich(pair), reader.text_of(pair.find("answer"))
            if stem or match:
                answers.append({"text": stem, "text_format": reader.format(pair), "match": match})
        return {
            "shuffle_answers": reader.flag("shuffleanswers", "1"),
            **reader.combined_feedback(),
            "answers": answers,
        }

    def xml_write(self, writer):
        pairs = "".join(
            writer.rich(
                "subquestion",
                answer["text"],
                writer.format_of("text", answer),
                2,
                f"      <answer>\n{writer.text_element(answer['match'], 4)}      </answer>\n",
            )
            for answer in writer.question["answers"]
        )
        return (
            writer.element("shuffleanswers", writer.yes_no(writer.question["shuffle_answers"]))
            + writer.combined_feedback()
            + pairs
        )


TYPE = Matching()
