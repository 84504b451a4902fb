"""Moodle's "embedded answers" (cloze, qtype_multianswer) syntax, read exactly as Moodle reads it.

A cloze text holds sub-question codes ``{weight:TYPE:answers}``: ``{1:SHORTANSWER:=Paris#Yes~*#No}``.
This module is the pure engine behind the cloze question type: it finds and reads the codes
(``parse``, ``segments``), refuses what Moodle's editing form refuses (``ClozeError``), grades a
learner's response to one sub-question or to the whole question (``grade``, ``grade_all``) and
writes a sub-question back as a code Moodle reads to the same thing (``write``).

It follows Moodle's source (moodle/moodle, GPL v3+; read, not copied):

- ``question/type/multianswer/questiontype.php``: ``qtype_multianswer_extract_question`` (the
  regexes ANSWER_REGEX, ANSWER_ALTERNATIVE_REGEX, NUMERICAL_ALTERNATIVE_REGEX, the fractions, the
  multi-response score fix) and ``qtype_multianswer_validate_question`` (the error rules);
- ``question/type/multianswer/question.php``: ``grade_response`` (weighted mean of the parts);
- ``question/type/shortanswer/question.php``: ``compare_string_with_wildcard``, ``clean_response``,
  first matching answer wins; ``save_question_options`` trims the answers;
- ``question/type/numerical/question.php`` and ``questiontype.php``:
  ``qtype_numerical_answer::get_tolerance_interval`` (nominal tolerance) and
  ``qtype_numerical_answer_processor::apply_units`` (how "3,14" or "2x10^3" is read);
- ``question/type/multichoice/question.php``: a single choice scores its fraction, several
  choices the sum of theirs, clamped to 0..1.

Where Moodle does something surprising, this module does the same and says so in a comment
marked "Moodle:". Fractions are percentages (-100..100), as elsewhere in the project; Moodle
stores them as fractions of 1.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from html.entities import name2codepoint

from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
from django.utils.translation import gettext

__all__ = [
    "ClozeError",
    "SubAnswer",
    "SubQuestion",
    "grade",
    "grade_all",
    "is_answered",
    "parse",
    "right_answer",
    "segments",
    "total_weight",
    "validate",
    "write",
]


def _(message: str) -> str:
    """Translate with Django when it is set up; scripts using the engine alone get English."""
    try:
        return gettext(message)
    except (ImproperlyConfigured, AppRegistryNotReady):
        return message


# --------------------------------------------------------------------------------------------
# Public data
# --------------------------------------------------------------------------------------------


class ClozeError(Exception):
    """A cloze text Moodle's editing form would refuse.

    ``number`` is the 1-based sub-question at fault (None when the text as a whole is wrong),
    ``message`` a translated sentence a teacher understands, naming the sub-question.
    """

    def __init__(self, number: int | None, message: str):
        super().__init__(message)
        self.number = number
        self.message = message


@dataclass(frozen=True)
class SubAnswer:
    """One alternative of a sub-question.

    ``fraction`` is a percentage (Moodle's fraction x 100), ``feedback`` the decoded feedback
    ('' when none). Numerical answers carry ``value`` and ``tolerance`` (both None for the
    catch-all answer ``*``); other kinds leave them None.
    """

    text: str
    fraction: float
    feedback: str = ""
    value: float | None = None
    tolerance: float | None = None


@dataclass(frozen=True)
class SubQuestion:
    """One ``{...}`` code of a cloze text, as Moodle would save it.

    ``kind`` is "shortanswer", "numerical", "multichoice" (one choice) or "multiresponse"
    (several choices); ``display`` is "inline" (text box or drop-down list), "vertical" or
    "horizontal" (radio buttons or check boxes); ``weight`` is Moodle's default mark of the
    sub-question; ``start``/``end`` delimit ``code`` in the text.
    """

    number: int
    kind: str
    display: str
    shuffle: bool
    case_sensitive: bool
    weight: int
    answers: tuple[SubAnswer, ...]
    start: int
    end: int
    code: str


# --------------------------------------------------------------------------------------------
# Moodle's regexes (questiontype.php), translated to Python
# --------------------------------------------------------------------------------------------

# Python's re wants fixed-width look-behinds, so Moodle's (?<!\\|&|&amp;) becomes three
# look-behinds in a row, which accept exactly the same positions.
_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALTERNATIVE = f"({_FRACTION})?({_ANSWER})(#({_FEEDBACK}))?"
_TYPES = (
    "(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|"
    "(SHORTANSWER|SA|MW)|(SHORTANSWER_C|SAC|MWC)|"
    "(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|(MULTICHOICE_HS|MCHS)|"
    "(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|(MULTIRESPONSE_HS|MRHS)"
)
_START = r"\{([0-9]*):(" + _TYPES + "):"
# Moodle's ANSWER_REGEX, kept verbatim as the reference the tests compare the matcher with.
# It is not used to scan texts: on a code that never closes its nested lazy repetitions
# backtrack exponentially (PHP's PCRE then gives up silently; Python would hang).
_ANSWER_REGEX = _START + "(" + _ALTERNATIVE + "(~" + _ALTERNATIVE + ")*)\\}"
_NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"

_START_RE = re.compile(_START)
_FRACTION_RE = re.compile(_FRACTION)
# The "/s" modifier of Moodle's preg_match calls is re.DOTALL.
_ALTERNATIVE_RE = re.compile("~?" + _ALTERNATIVE, re.DOTALL)
_NUMERICAL_RE = re.compile(f"^({_NUMBER})(:{_NUMBER})?$", re.DOTALL)

# Group numbers of _START_RE / ANSWER_REGEX naming the type, with what each type means:
# (kind, display, shuffle, case_sensitive).
_TYPE_GROUPS = {
    3: ("numerical", "inline", False, False),
    4: ("multichoice", "inline", False, False),
    5: ("multichoice", "vertical", False, False),
    6: ("multichoice", "horizontal", False, False),
    7: ("shortanswer", "inline", False, False),
    8: ("shortanswer", "inline", False, True),
    9: ("multichoice", "inline", True, False),
    10: ("multichoice", "vertical", True, False),
    11: ("multichoice", "horizontal", True, False),
    12: ("multiresponse", "vertical", False, False),
    13: ("multiresponse", "horizontal", False, False),
    14: ("multiresponse", "vertical", True, False),
    15: ("multiresponse", "horizontal", True, False),
}
# The long type name written back for each meaning.
_TYPE_NAMES = {
    ("numerical", "inline", False, False): "NUMERICAL",
    ("shortanswer", "inline", False, False): "SHORTANSWER",
    ("shortanswer", "inline", False, True): "SHORTANSWER_C",
    ("multichoice", "inline", False, False): "MULTICHOICE",
    ("multichoice", "vertical", False, False): "MULTICHOICE_V",
    ("multichoice", "horizontal", False, False): "MULTICHOICE_H",
    ("multichoice", "inline", True, False): "MULTICHOICE_S",
    ("multichoice", "vertical", True, False): "MULTICHOICE_VS",
    ("multichoice", "horizontal", True, False): "MULTICHOICE_HS",
    ("multiresponse", "vertical", False, False): "MULTIRESPONSE",
    ("multiresponse", "horizontal", False, False): "MULTIRESPONSE_H",
    ("multiresponse", "vertical", True, False): "MULTIRESPONSE_S",
    ("multiresponse", "horizontal", True, False): "MULTIRESPONSE_HS",
}

# PHP's trim() strips these and nothing else (not U+00A0, not other Unicode spaces).
_PHP_TRIM = " \t\n\r\0\x0b"


def _php_trim(text: str) -> str:
    return text.strip(_PHP_TRIM)


# --------------------------------------------------------------------------------------------
# Finding the codes
# --------------------------------------------------------------------------------------------


class _Matcher:
    """ANSWER_REGEX over one text, with PCRE's answer but without its exponential backtracking.

    After the ``{weight:TYPE:`` head, ANSWER_REGEX is ``ALT(~ALT)*\\}`` where an ALT is an
    optional fraction, a lazy answer ``.+?`` ending before ``~``, ``#`` or ``}`` (not after
    ``\\``, ``&`` or ``&amp;``) and an optional ``#feedback`` ending lazily before ``~`` or ``}``
    (not after ``\\``). A backtracking engine tries, in order: the fraction before no fraction,
    shorter answers and feedback before longer ones, a feedback before none, another ``~ALT``
    before the closing brace, and keeps the first success. ``_alternatives_end`` walks the same
    choices in the same order, so it finds the same match; but what may follow each ``~`` is
    worked out once, right to left, and looked up, which keeps it polynomial. The ``$`` of the
    look-aheads never helps: ANSWER_REGEX must still read ``~`` or ``}`` there.
    """

    def __init__(self, text: str):
        self.text = text
        n = len(text)
        self.answer_ends: list[int] = []  # where an answer may stop
        self.feedback_ends: list[int] = []  # where a feedback may stop
        for i, char in enumerate(text):
            if char in "~#}" and i > 0 and not self._after_escape(i):
                self.answer_ends.append(i)
            if char in "~}" and i > 0 and text[i - 1] != "\\":
                self.feedback_ends.append(i)
        # closable[p]: an answer ending at p or later can reach a closing brace, directly or
        # through "#feedback}". Where it cannot, every alternative fails: stop at once.
        self.closable = [False] * (n + 2)
        feedback_close_after = False
        answer_ends = set(self.answer_ends)
        for p in range(n - 1, -1, -1):
            char = text[p]
            reachable = self.closable[p + 1]
            if p in answer_ends and (char == "}" or (char == "#" and feedback_close_after)):
                reachable = True
            if char == "}" and text[p - 1 : p] != "\\":
                feedback_close_after = True
            self.closable[p] = reachable
        # ALT(~ALT)*} after each "~", computed right to left: every lookup then hits the table.
        self.after_tilde: dict[int, int | None] = {}
        for q in range(n - 1, -1, -1):
            if text[q] == "~":
                self.after_tilde[q] = self._alternatives_end(q + 1)

    def _after_escape(self, i: int) -> bool:
        """Moodle's (?<!\\\\|&|&amp;) at position i."""
        text = self.text
        return text[i - 1] in "\\&" or text[max(0, i - 5) : i] == "&amp;"

    def _alternatives_end(self, j: int) -> int | None:
        """End (just after the closing brace) of ``ALT(~ALT)*}`` read from j, or None."""
        fraction = _FRACTION_RE.match(self.text, j)
        if fraction:
            end = self._answer_end(fraction.end())
            if end is not None:
                return end
        return self._answer_end(j)

    def _answer_end(self, j: int) -> int | None:
        """Same as _alternatives_end, the fraction (if any) being already read up to j."""
        text = self.text
        if j + 1 >= len(text) or not self.closable[j + 1]:
            return None
        first = bisect.bisect_left(self.answer_ends, j + 1)  # the answer has one char or more
        for k in range(first, len(self.answer_ends)):
            e = self.answer_ends[k]
            if text[e] == "}":
                return e + 1
            if text[e] == "~":
                end = self.after_tilde.get(e)
                if end is not None:
                    return end
                continue
            # "#": the feedback is tried first; without it nothing may follow a "#".
            start = bisect.bisect_left(self.feedback_ends, e + 1)
            for k in range(start, len(self.feedback_ends)):
                f = self.feedback_ends[k]
                if text[f] == "}":
                    return f + 1
                end = self.after_tilde.get(f)
                if end is not None:
                    return end
        return None

    def find(self, pos: int) -> tuple[re.Match[str], int] | None:
        """The leftmost code starting at or after pos: (match of the head, end) or None."""
        for head in _START_RE.finditer(self.text, pos):
            end = self._alternatives_end(head.end())
            if end is not None:
                return head, end
        return None


@dataclass(frozen=True)
class _Code:
    """A code found in the text, before its answers are read."""

    number: int
    head: re.Match[str]
    start: int
    end: int


def _find_codes(text: str) -> list[_Code]:
    """Every code of the text, in order.

    Moodle (qtype_multianswer_extract_question) loops: find the leftmost match of ANSWER_REGEX
    in the text, replace it by ``{#n}``, search again from the beginning. Scanning on from the
    end of each match finds the same codes: the placeholder ``{#n}`` cannot start a code, and
    any code that could run through it could as well have run through the code it replaces
    (whose last alternative offers the same "}" or "#...}" ending), so it would have been found
    first. The tests check this against a literal port of Moodle's loop.
    """
    matcher = _Matcher(text)
    codes: list[_Code] = []
    pos = 0
    while found := matcher.find(pos):
        head, end = found
        codes.append(_Code(len(codes) + 1, head, head.start(), end))
        pos = end
    return codes


# --------------------------------------------------------------------------------------------
# Reading the answers
# --------------------------------------------------------------------------------------------

_ENTITY_RE = re.compile(r"&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));")


def _allowed_code_point(cp: int) -> bool:
    """Numeric entities PHP decodes for HTML 4.01 (unicode_cp_is_allowed in ext/standard/html.c)."""
    return (
        0x20 <= cp <= 0x7E
        or cp in (0x09, 0x0A, 0x0D)
        or 0xA0 <= cp <= 0xD7FF
        or (0xE000 <= cp <= 0x10FFFF and (cp & 0xFFFF) < 0xFFFE and not 0xFDD0 <= cp <= 0xFDEF)
    )


def _html_entity_decode(text: str) -> str:
    """PHP's html_entity_decode($text, ENT_QUOTES, 'UTF-8'), as Moodle calls it.

    Only the HTML 4.01 named entities are known (no ``&apos;``), a ``;`` is required, and a
    single pass is made, so ``&amp;lt;`` gives ``&lt;``. (Python's html.unescape is HTML5: it
    also reads ``&amp`` without ``;`` and knows ``&apos;``.)
    """

    def replace(match: re.Match[str]) -> str:
        decimal, hexadecimal, name = match.groups()
        if name is not None:
            cp = name2codepoint.get(name)
            return chr(cp) if cp is not None else match.group(0)
        cp = int(decimal) if decimal is not None else int(hexadecimal, 16)
        return chr(cp) if _allowed_code_point(cp) else match.group(0)

    return _ENTITY_RE.sub(replace, text)


def _unescape(raw: str) -> str:
    """Moodle's reading of an answer or feedback: decode entities, then ``\\}`` and ``\\#``.

    Moodle: only ``\\}`` and ``\\#`` lose their backslash. ``\\~`` keeps an answer from being
    cut there but the backslash stays in the text, and so do ``\\/``, ``\\"`` and ``\\\\``
    (the docs list them as escapes; the code does not treat them).
    """
    return _html_entity_decode(raw).replace("\\}", "}").replace("\\#", "#")


# "\u00d7" is the multiplication sign, which Moodle accepts as well as "x" and "*".
_UNITS_EXPONENT_RE = re.compile("(?:e|E|(?:x|\\*|\u00d7)10(?:\\^|\\*\\*))([+-]?[0-9]+)")
_UNITS_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[-+]?[0-9]+)?")


def _apply_units(response: str) -> tuple[float | None, str]:
    """qtype_numerical_answer_processor::apply_units without units: (value, what follows).

    Spaces go (thousands separators); "x10^", "*10**" (or with the multiplication sign) become
    "e"; a comma is the
    decimal separator unless the text also has a "." or several commas, when commas are
    thousands separators. So "3,14" is 3.14, "1,000.5" is 1000.5, "2 x10^3" is 2000.
    Infinite or NaN values count as no number.
    """
    text = response.replace(" ", "")
    text = _UNITS_EXPONENT_RE.sub(r"e\1", text)
    thousands = "." in text or text.count(",") > 1
    text = text.replace(",", "") if thousands else text.replace(",", ".")
    match = _UNITS_NUMBER_RE.match(text)
    if not match:
        return None, text
    value = float(match.group(0))
    if not math.isfinite(value):
        return None, text
    return value, text[match.end() :]


def _number(text: str) -> float | None:
    """The value of a text that is only a number, Moodle's way (qtype_numerical::is_valid_number)."""
    value, rest = _apply_units(text)
    return value if value is not None and rest == "" else None


def _short_number(value: float) -> str:
    """A short human form of a number: 3.14, 1000, 1e-05."""
    return format(value, ".15g")


def _is_truthy_php_string(text: str | None) -> bool:
    """PHP's truth value of a string: '' and '0' are false, everything else ("00", "0.0") true."""
    return text is not None and text not in ("", "0")


@dataclass(frozen=True)
class _Read:
    """A sub-question as read from its code, before the blank answers are left out."""

    code: _Code
    kind: str
    display: str
    shuffle: bool
    case_sensitive: bool
    weight: int
    answers: tuple[SubAnswer, ...]
    bad_numbers: tuple[str, ...]  # numerical answers that are neither a number nor "*"


def _read_alternative(kind: str, match: re.Match[str]) -> tuple[SubAnswer, bool, bool]:
    """One alternative: (answer, whether %n% gave a fraction, whether it is a bad number)."""
    fraction_group, percentile, answer_raw, _hash, feedback_raw = match.groups()
    specific = False
    if fraction_group == "=":
        fraction = 100.0
    elif _is_truthy_php_string(percentile):
        # Moodle: "%0%" is read as "no fraction given" (PHP finds the string "0" false), which
        # matters for multi-response sub-questions below; "%0.0%" or "%00%" count as given.
        fraction = float(percentile.replace(",", "."))
        specific = True
    else:
        fraction = 0.0
    feedback = _unescape(feedback_raw) if feedback_raw is not None else ""

    if kind == "numerical":
        numbers = _NUMERICAL_RE.match(answer_raw)
        if numbers:
            # Moodle saves both numbers through apply_unit, so "3,14" is 3.14.
            value = _number(numbers.group(1))
            tolerance = _number(numbers.group(6)) if numbers.group(5) is not None else 0.0
            if value is not None and tolerance is not None:
                answer = SubAnswer(_short_number(value), fraction, feedback, value, abs(tolerance))
                return answer, specific, False
            return SubAnswer(answer_raw, fraction, feedback), specific, True
        # Not "value:tolerance": Moodle keeps the decoded text and checks it is "*" or a number
        # on its own (so "+5" or "1 000" pass, with a tolerance of 0).
        text = _unescape(answer_raw)
        trimmed = _php_trim(text)
        if trimmed == "*":
            return SubAnswer("*", fraction, feedback), specific, False
        value = _number(trimmed)
        if value is None:
            return SubAnswer(text, fraction, feedback), specific, trimmed != ""
        return SubAnswer(_short_number(value), fraction, feedback, value, 0.0), specific, False

    text = _unescape(answer_raw)
    if kind == "shortanswer":
        text = _php_trim(text)  # qtype_shortanswer::save_question_options trims answers
    return SubAnswer(text, fraction, feedback), specific, False


def _split_alternatives(alternatives: str) -> list[re.Match[str]]:
    """Moodle's inner loop: match ``~?ALT`` anywhere, cut at its first occurrence, repeat.

    Moodle: the rest is cut with explode() at the first occurrence of the matched string, and
    whatever the regex cannot read any more is dropped silently.
    """
    matches = []
    remaining = alternatives
    while match := _ALTERNATIVE_RE.search(remaining):
        matches.append(match)
        remaining = remaining.split(match.group(0), 1)[1]
    return matches


def _normalise_multiresponse(fractions: list[float], specific: bool) -> list[float]:
    """Moodle's fix of multi-response scores: the positive fractions add up to 100 %.

    Each positive fraction is divided by their total; if no "%n%" fraction was written, every
    other answer gets minus one right answer's share ({1:MR:=A~=B~C} is A 50, B 50, C -50).
    Positives already adding up to 100 % (to 1e-9, far below the 7 decimals Moodle stores)
    are left untouched, so that reading back a written sub-question changes nothing.
    """
    total = sum(f for f in fractions if f > 0)
    if not total:
        return fractions
    unchanged = math.isclose(total, 100.0, rel_tol=1e-9)
    result = []
    for fraction in fractions:
        if fraction > 0:
            result.append(fraction if unchanged else fraction * 100.0 / total)
        elif not specific:
            result.append(-10000.0 / total)
        else:
            result.append(fraction)
    return result


def _read_code(code: _Code, text: str) -> _Read:
    """Read one code the way qtype_multianswer_extract_question does."""
    head = code.head
    group = next(g for g in _TYPE_GROUPS if head.group(g))
    kind, display, shuffle, case_sensitive = _TYPE_GROUPS[group]
    weight = int(head.group(1)) if head.group(1) else 1  # Moodle: "0" is a weight too

    answers: list[SubAnswer] = []
    bad: list[str] = []
    specific = False
    for match in _split_alternatives(text[head.end() : code.end - 1]):
        answer, given, bad_number = _read_alternative(kind, match)
        answers.append(answer)
        specific = specific or given
        if bad_number:
            bad.append(_php_trim(answer.text))
    if kind == "multiresponse":
        fractions = _normalise_multiresponse([a.fraction for a in answers], specific)
        answers = [
            SubAnswer(a.text, f, a.feedback, a.value, a.tolerance)
            for a, f in zip(answers, fractions, strict=True)
        ]
    # Moodle saves no answer whose text is blank (and its form does not count them); the
    # multi-response fix above still counted their fractions.
    kept = tuple(a for a in answers if _php_trim(a.text) != "")
    return _Read(code, kind, display, shuffle, case_sensitive, weight, kept, tuple(bad))


def _problems(read: _Read) -> list[str]:
    """qtype_multianswer_validate_question for one sub-question, in Moodle's order."""
    number = read.code.number
    messages = [
        _(
            "Sub-question %(number)d: “%(answer)s” is not a number; write a number such as "
            "-1.234 or 3e8, or * for any other answer."
        )
        % {"number": number, "answer": bad}
        for bad in read.bad_numbers
    ]
    count = len(read.answers)
    if read.kind in ("multichoice", "multiresponse") and count < 2:
        messages.append(_("Sub-question %(number)d: give at least 2 choices.") % {"number": number})
    elif count == 0:
        messages.append(
            _("Sub-question %(number)d: give at least one answer.") % {"number": number}
        )
    if read.kind == "multiresponse":
        # Moodle: one positive fraction is enough (after the fix they add up to 100 %).
        if not any(a.fraction > 0 for a in read.answers):
            messages.append(
                _("Sub-question %(number)d: give at least one choice a positive grade.")
                % {"number": number}
            )
    elif not any(a.fraction == 100 for a in read.answers):
        messages.append(
            _("Sub-question %(number)d: give at least one answer at 100 %%.") % {"number": number}
        )
    return messages


def _analyse(text: str) -> tuple[list[_Read], list[ClozeError]]:
    reads = [_read_code(code, text) for code in _find_codes(text)]
    if not reads:
        message = _(
            "The text must contain at least one sub-question, such as {1:SHORTANSWER:=Paris}."
        )
        return [], [ClozeError(None, message)]
    errors = [ClozeError(r.code.number, m) for r in reads for m in _problems(r)]
    return reads, errors


def _sub_question(read: _Read, text: str) -> SubQuestion:
    code = read.code
    return SubQuestion(
        number=code.number,
        kind=read.kind,
        display=read.display,
        shuffle=read.shuffle,
        case_sensitive=read.case_sensitive,
        weight=read.weight,
        answers=read.answers,
        start=code.start,
        end=code.end,
        code=text[code.start : code.end],
    )


def validate(text: str) -> list[ClozeError]:
    """Every reason Moodle's form would refuse this cloze text, in text order ([] if none)."""
    return _analyse(text)[1]


def parse(text: str) -> list[SubQuestion]:
    """The sub-questions of a cloze text, in text order, read as Moodle reads them.

    Raises the first ClozeError when Moodle's form would refuse the text: no sub-question at
    all, a numerical answer that is neither a number nor ``*``, a choice sub-question with
    fewer than 2 choices, another one with no answer, no answer at 100 % (multi-response: no
    positive answer). Text that only looks like a code (``{1:sa:x}``, an unclosed ``{1:SA:x``)
    is plain text, as in Moodle.
    """
    reads, errors = _analyse(text)
    if errors:
        raise errors[0]
    return [_sub_question(r, text) for r in reads]


def segments(text: str) -> list[str | SubQuestion]:
    """The text cut for rendering: text pieces (never empty) and sub-questions, in order.

    Joining the pieces and the sub-questions' ``code`` gives the text back. Raises ClozeError
    like parse. (Moodle stores the text with ``{#n}`` placeholders and also renders a ``{#n}``
    the teacher typed; here typed text stays text.)
    """
    pieces: list[str | SubQuestion] = []
    pos = 0
    for sub in parse(text):
        if sub.start > pos:
            pieces.append(text[pos : sub.start])
        pieces.append(sub)
        pos = sub.end
    if pos < len(text):
        pieces.append(text[pos:])
    return pieces


def total_weight(subs: Iterable[SubQuestion]) -> int:
    """Moodle's default mark of the whole cloze question: the sum of the sub-questions' weights."""
    return sum(sub.weight for sub in subs)


# --------------------------------------------------------------------------------------------
# Grading
# --------------------------------------------------------------------------------------------


def _clamp(fraction: float) -> float:
    return min(max(fraction, 0.0), 1.0)


def _wildcard_match(response: str, pattern: str, ignore_case: bool) -> bool:
    """qtype_shortanswer_question::compare_string_with_wildcard.

    Both strings are NFC-normalised; unescaped runs of ``*`` match anything (except a newline),
    ``\\*`` is a literal star; the trimmed response must match the whole pattern.
    """
    pattern = unicodedata.normalize("NFC", pattern)
    response = unicodedata.normalize("NFC", response)
    bits = re.split(r"(?<!\\)\*+", pattern)
    regex = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    flags = re.IGNORECASE if ignore_case else 0
    return re.fullmatch(regex, _php_trim(response), flags) is not None


def _within_tolerance(answer: SubAnswer, value: float) -> bool:
    """qtype_numerical_answer::within_tolerance, nominal tolerance (the only one cloze has)."""
    if answer.value is None:  # the catch-all "*"
        return True
    tolerance = answer.tolerance or 0.0
    # Moodle widens the interval by 1e-14 (PHP's precision) relative to the numbers (MDL-3225).
    epsilon = 1e-14
    tolerance += epsilon * max(tolerance, abs(answer.value), epsilon)
    return answer.value - tolerance <= value <= answer.value + tolerance


def _numeric_response(response: object) -> float | None:
    """The value of a numerical response; None when it is not a number or blank.

    Moodle: whatever follows the number ("3.14 cm") is a unit, and a cloze numerical
    sub-question has no units: the number is graded and the rest ignored.
    """
    if isinstance(response, bool):
        return None
    if isinstance(response, int | float):
        return float(response) if math.isfinite(response) else None
    if not isinstance(response, str):
        return None
    return _apply_units(_php_trim(response))[0]


def _choice_index(response: object, size: int) -> int | None:
    """An int index, or a string of digits, naming one of `size` answers; None otherwise."""
    if isinstance(response, bool):
        return None
    if isinstance(response, str) and re.fullmatch(r"[0-9]+", response):
        response = int(response)
    if isinstance(response, int) and 0 <= response < size:
        return response
    return None


def _choice_indexes(response: object, size: int) -> list[int] | None:
    """A list (tuple, set) of valid, distinct indexes in answer order; None for any wrong shape."""
    if not isinstance(response, list | tuple | set | frozenset):
        return None
    indexes = [_choice_index(item, size) for item in response]
    if any(index is None for index in indexes):
        return None
    return sorted(set(indexes))


def is_answered(sub: SubQuestion, response: object) -> bool:
    """Whether the response counts as given (Moodle's is_gradable_response).

    Text boxes: a non-blank string ("0" counts); numerical also takes an int or float.
    Choices: a valid index; several choices: a non-empty list of valid indexes.
    """
    if sub.kind == "shortanswer":
        return isinstance(response, str) and _php_trim(response) != ""
    if sub.kind == "numerical":
        if isinstance(response, str):
            return _php_trim(response) != ""
        return _numeric_response(response) is not None
    if sub.kind == "multichoice":
        return _choice_index(response, len(sub.answers)) is not None
    return bool(_choice_indexes(response, len(sub.answers)))


def grade(sub: SubQuestion, response: object) -> tuple[float, list[SubAnswer]]:
    """Fraction (0..1) awarded to a response and the answers it chose or matched.

    - shortanswer: a string; the first answer (in code order) matching it wins, ``*`` being a
      wildcard, case ignored unless the type is SHORTANSWER_C. Moodle: first, not best, so an
      early ``*`` hides the answers after it.
    - numerical: a string (or number); the first answer within its tolerance wins; "3,14",
      "1 000,5" and "2x10^3" are read as Moodle reads them.
    - multichoice: the index of the chosen answer (int or digit string): its fraction.
    - multiresponse: a list of indexes: the sum of their fractions, clamped to 0..1.

    Negative fractions give 0 (Moodle lets a negative single choice lower the other parts'
    marks; here every part stays within 0..1). A blank or wrongly shaped response, or an
    unknown index, gives (0.0, []). Never raises.
    """
    try:
        if sub.kind == "shortanswer":
            return _grade_shortanswer(sub, response)
        if sub.kind == "numerical":
            return _grade_numerical(sub, response)
        if sub.kind == "multichoice":
            index = _choice_index(response, len(sub.answers))
            if index is None:
                return 0.0, []
            answer = sub.answers[index]
            return _clamp(answer.fraction / 100.0), [answer]
        if sub.kind == "multiresponse":
            indexes = _choice_indexes(response, len(sub.answers))
            if not indexes:
                return 0.0, []
            chosen = [sub.answers[i] for i in indexes]
            # Rounded so that fractions written as thirds or sevenths still add up to exactly 1.
            total = round(sum(a.fraction for a in chosen) / 100.0, 12)
            return _clamp(total), chosen
    except (TypeError, ValueError, AttributeError, re.error):  # a hand-made, malformed sub
        return 0.0, []
    return 0.0, []


def _grade_shortanswer(sub: SubQuestion, response: object) -> tuple[float, list[SubAnswer]]:
    if not isinstance(response, str) or _php_trim(response) == "":
        return 0.0, []
    for answer in sub.answers:
        if _wildcard_match(response, answer.text, ignore_case=not sub.case_sensitive):
            return _clamp(answer.fraction / 100.0), [answer]
    return 0.0, []


def _grade_numerical(sub: SubQuestion, response: object) -> tuple[float, list[SubAnswer]]:
    value = _numeric_response(response)
    if value is None:
        return 0.0, []
    for answer in sub.answers:
        if _within_tolerance(answer, value):
            return _clamp(answer.fraction / 100.0), [answer]
    return 0.0, []


def grade_all(
    subs: Iterable[SubQuestion], responses: Mapping[str, object]
) -> tuple[float, list[tuple[SubQuestion, float, list[SubAnswer]]]]:
    """Grade a whole cloze question: (fraction 0..1, [(sub, fraction, chosen answers), ...]).

    ``responses`` maps ``str(sub.number)`` to the response of that sub-question (missing means
    not answered). The overall fraction is Moodle's weighted mean: sum(weight x fraction) /
    sum(weight); 0.0 when all weights are 0 (Moodle would divide by zero).
    """
    if not isinstance(responses, Mapping):
        responses = {}
    results = []
    marks = 0.0
    weights = 0
    for sub in subs:
        fraction, chosen = grade(sub, responses.get(str(sub.number)))
        results.append((sub, fraction, chosen))
        marks += sub.weight * fraction
        weights += sub.weight
    return (marks / weights if weights else 0.0), results


def _best_answer(sub: SubQuestion) -> SubAnswer | None:
    """The first answer with the highest fraction."""
    best = None
    for answer in sub.answers:
        if best is None or answer.fraction > best.fraction:
            best = answer
    return best


def right_answer(sub: SubQuestion) -> str:
    """The right answer to show a learner.

    Shortanswer: the best answer cleaned as Moodle's clean_response does (a wildcard becomes a
    space, ``\\*`` a star); numerical: the best value in short form; multichoice: the best
    choice; multiresponse: every positive choice, joined by ", ". '' when there is none.
    """
    if sub.kind == "multiresponse":
        return ", ".join(a.text for a in sub.answers if a.fraction > 0)
    best = _best_answer(sub)
    if best is None:
        return ""
    if sub.kind == "numerical":
        return _short_number(best.value) if best.value is not None else best.text
    if sub.kind == "shortanswer":
        bits = re.split(r"(?<!\\)\*", best.text)
        return _php_trim(" ".join(bit.replace("\\*", "*") for bit in bits))
    return best.text


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """The raw form of an answer or feedback that Moodle reads back as `text`.

    Moodle decodes entities, then turns ``\\}`` into ``}``, then ``\\#`` into ``#``. Putting a
    backslash before every "#" and then before every "}" undoes exactly those two steps, even
    next to backslashes of the text, and keeps the regex from stopping there. Entities take
    care of the rest: "&" (else "&lt;" would be decoded, and a trailing "&" blocks the end),
    "~" (a backslash would stay in the text), a trailing backslash (it would escape the
    separator) and a trailing newline (PCRE's "$" matches before it).
    """
    raw = text.replace("#", "\\#").replace("}", "\\}")
    raw = raw.replace("&", "&#38;").replace("~", "&#126;")
    if raw.endswith("\\"):
        raw = raw[:-1] + "&#92;"
    if raw.endswith("\n"):
        raw = raw[:-1] + "&#10;"
    return raw


def _plain_number(value: float) -> str:
    """A number in positional notation (fractions allow no exponent): 33.333333333333336."""
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _number_literal(value: float | None) -> str:
    """A number NUMERICAL_ALTERNATIVE_REGEX accepts and Moodle reads back to the same float."""
    if value is None or not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return repr(float(value))


def _write_answer(sub: SubQuestion, answer: SubAnswer) -> str:
    if sub.kind == "numerical":
        if answer.value is None:
            if _php_trim(answer.text) != "*":
                raise ValueError(f"numerical answer without a value: {answer.text!r}")
            raw = "*"
        else:
            raw = _number_literal(answer.value)
            if answer.tolerance:
                raw += ":" + _number_literal(abs(answer.tolerance))
    else:
        if _php_trim(answer.text) == "":
            raise ValueError("a blank answer cannot be written: Moodle would drop it")
        raw = _escape(answer.text)

    fraction = float(answer.fraction)
    if not math.isfinite(fraction):
        raise ValueError(f"not a finite fraction: {answer.fraction!r}")
    looks_like_fraction = raw.startswith("=") or _FRACTION_RE.match(raw) is not None
    if sub.kind == "multiresponse":
        # Always explicit: with no "%n%" at all Moodle would turn the 0 % answers into
        # penalties, and "%0%" alone does not count as given (see _read_alternative).
        prefix = f"%{_plain_number(fraction)}%"
    elif fraction == 100:
        prefix = "="
    elif fraction == 0:
        prefix = "%0%" if looks_like_fraction else ""
    else:
        prefix = f"%{_plain_number(fraction)}%"
    feedback = "#" + _escape(answer.feedback) if answer.feedback else ""
    return prefix + raw + feedback


def write(sub: SubQuestion) -> str:
    """A code Moodle reads back to the same sub-question: ``parse(write(s))[0]`` equals ``s``
    except for number, start, end and code.

    This holds for every sub-question ``parse`` returns (answers are already trimmed,
    multi-response fractions already add up to 100 %). Raises ValueError for what no code can
    express: a multi-response shown inline, a negative weight, no answer, a blank answer,
    a numerical answer without a value (other than ``*``), a non-finite number.
    """
    key = (sub.kind, sub.display, bool(sub.shuffle), bool(sub.case_sensitive))
    name = _TYPE_NAMES.get(key)
    if name is None:
        raise ValueError(f"no Moodle type for {key!r}")
    if sub.weight < 0:
        raise ValueError(f"a weight cannot be negative: {sub.weight!r}")
    if not sub.answers:
        raise ValueError("a sub-question needs at least one answer")
    alternatives = "~".join(_write_answer(sub, answer) for answer in sub.answers)
    return f"{{{int(sub.weight)}:{name}:{alternatives}}}"
