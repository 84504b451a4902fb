"""`manage.py createteacher USERNAME [--email E] [--password-from-env VAR]`.

A teacher is a user who logs in and manages their own quizzes (not staff).
The password comes from the environment variable VAR (for scripts: it never
shows in the process list or the shell history), or is asked twice on the
terminal. Django's password validators apply either way.
"""

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.management.base import TranslatedCommand

PROMPT_ATTEMPTS = 3


class Command(TranslatedCommand):
    help = gettext_lazy("Create a teacher account.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help=_("read the password from this environment variable instead of asking"),
        )

    def handle(self, *args, username, email, password_from_env, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(_("The user “%(name)s” already exists.") % {"name": username})
        user = User(username=username, email=email)
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if password_from_env:
            password = self.password_from_env(password_from_env, user)
        else:
            password = self.password_from_prompt(user)
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(_("Teacher “%(name)s” created.") % {"name": username}))

    def password_from_env(self, variable, user):
        password = os.environ.get(variable)
        if not password:
            raise CommandError(
                _("The environment variable %(var)s is not set or empty.") % {"var": variable}
            )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password

    def password_from_prompt(self, user):
        if not sys.stdin.isatty():
            raise CommandError(
                _("No terminal to ask the password on: use --password-from-env VAR.")
            )
        for _attempt in range(PROMPT_ATTEMPTS):
            password = getpass.getpass(_("Password: "))
            if password != getpass.getpass(_("Password (again): ")):
                self.stderr.write(_("The two passwords differ."))
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
        raise CommandError(_("No valid password given; no teacher created."))
