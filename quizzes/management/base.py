"""The base of OpenQuizz's commands."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from quizzes.formats import write, write_warnings


class TranslatedCommand(BaseCommand):
    """A command whose `help` is a lazy translation.

    argparse formats the description with regular expressions, which refuse
    a lazy string (`--help` crashed with a TypeError): it is resolved here,
    in the language active when the parser is made.
    """

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if self.help:
            parser.description = str(self.help)
        return parser


class ExportCommand(TranslatedCommand):
    """A command that writes exchange files: `--base-url` (default settings.SITE_URL) is
    the site's address, on which a format that cannot carry files (GIFT) links to them;
    what a file leaves behind is said on standard error."""

    def add_base_url_argument(self, parser):
        parser.add_argument(
            "--base-url",
            metavar="URL",
            default=getattr(settings, "SITE_URL", None),
            help=_(
                "the site's address (https://host), for the links of a GIFT file to the "
                "images it cannot carry (default: settings.SITE_URL)"
            ),
        )

    def write(self, data, format, base_url, owner):
        """write(data, format, base_url, owner), its warnings said on standard error."""
        for warning in write_warnings(data, format):
            self.stderr.write(warning)
        return write(data, format, base_url, owner)
