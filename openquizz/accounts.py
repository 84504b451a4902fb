"""Password reset by email, which tells the user when the email could not be sent.

Django's PasswordResetForm logs a failed send and shows "email sent" anyway:
the user waits for a mail that never comes. Here the mail server is reached
before anything else, whether or not the address is anyone's (so a failure
does not tell whether an account exists), and any failure to send shows "could
not send, try again later" on the form, with status 503.

Requests are limited per email and per address (openquizz.limits: 429 with
Retry-After past the limit, the same whether the address is anyone's).

The view writes nothing to the database but limit counters, and an email
cannot be taken back: it runs outside any request transaction, so a retried
transaction never sends twice.
"""

import logging

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core import mail
from django.template import loader
from django.utils.translation import gettext_lazy as _

from openquizz import limits
from sessions_mw.decorators import non_transactional

logger = logging.getLogger(__name__)

NOT_SENT = _("We could not send the email. Please try again later.")


class MailNotSent(Exception):
    pass


class PasswordResetForm(auth_forms.PasswordResetForm):
    def save(self, **kwargs):
        """Send the reset emails through one connection opened first; MailNotSent when
        it cannot be opened or any email cannot be sent."""
        self.connection = mail.get_connection(fail_silently=False)
        try:
            self.connection.open()
            super().save(**kwargs)
        except Exception as error:
            logger.exception("Password reset: the email could not be sent")
            raise MailNotSent from error
        finally:
            self.connection.close()

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Django's own, without its `except Exception` that only logs.
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = mail.EmailMultiAlternatives(
            subject, body, from_email, [to_email], connection=self.connection
        )
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        message.send()


@non_transactional
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm

    def form_valid(self, form):
        try:
            limits.count_password_reset(self.request, form.cleaned_data["email"])
            return super().form_valid(form)
        except limits.ResetsLimited as limited:
            return self.refused(form, limited.message, 429, limited.retry_after)
        except MailNotSent:
            return self.refused(form, NOT_SENT, 503, 60)

    def refused(self, form, message, status, retry_after):
        form.add_error(None, message)
        response = self.form_invalid(form)
        response.status_code = status
        response["Retry-After"] = str(retry_after)
        return response
