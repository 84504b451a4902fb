"""The sign-in form, limited per account and per address (openquizz.limits)."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from openquizz.limits import SignInLimiter, SignInLocked


class SignInForm(AuthenticationForm):
    """Django's AuthenticationForm whose password check counts failures: after too
    many, it refuses every password (the right one too) until the cool-off ends."""

    def clean(self):
        limiter = SignInLimiter(self.request, self.cleaned_data.get("username"))
        try:
            return limiter.guard(super().clean)
        except SignInLocked as locked:
            raise ValidationError(locked.message, code="locked") from None
