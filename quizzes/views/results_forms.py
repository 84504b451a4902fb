"""The forms of the results pages: filtering the attempts, grading a response, deleting attempts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from quizzes.grading import COMMENT_MAX
from quizzes.results import FILTER_STATES, SORTS


class AttemptFilterForm(forms.Form):
    """The attempts table's filters and order (GET); an invalid value is not applied."""

    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *FILTER_STATES]
    )
    release = forms.IntegerField(label=_("Release"), required=False, min_value=1)
    q = forms.CharField(label=_("Learner"), required=False, max_length=100)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])


class GradeForm(forms.Form):
    """A teacher's grade of one response: its question's id, points, a comment."""

    question = forms.RegexField(regex=r"^[0-9a-f]{24}$", widget=forms.HiddenInput)
    # The attempt's grading_version when the page was shown (a grade given since: 409).
    version = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    points = forms.FloatField(label=_("Points"))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeleteAttemptsForm(forms.Form):
    """Attempts picked on the table (hex ids); `confirm` once the teacher has confirmed."""

    attempt = forms.MultipleChoiceField(choices=())
    confirm = forms.BooleanField(required=False)

    def __init__(self, attempt_ids, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attempt"].choices = [(str(pk), str(pk)) for pk in attempt_ids]
