"""The base of OpenQuizz's commands."""

from django.core.management.base import BaseCommand


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
