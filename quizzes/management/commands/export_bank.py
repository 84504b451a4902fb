"""`manage.py export_bank --owner USER [--category PATH] [--format FMT] [-o DIR]`.

Writes a teacher's question bank, or one category with its subcategories,
as one file with its categories (nesting, descriptions, ID numbers): Moodle
reads it as a question bank export, `import_quizzes` reads it back. Each
question carries its full category path from the bank's root, so importing
the file recreates the same tree. `--category` names a category by its path
of names from the root, "A/B" (Moodle's "$course$/top/A/B" works too; a "/"
in a name is written "//"). With -o DIR the file goes into DIR, named after
the category (or "Question bank"); without, to standard output.
"""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from quizzes import bank
from quizzes.access import bank_categories
from quizzes.formats import FORMATS, file_name
from quizzes.formats.moodle import category_names
from quizzes.management.base import ExportCommand
from quizzes.management.commands.import_quizzes import get_user
from quizzes.models import Question


def find_category(owner, path):
    """The owner's visible category at `path` ("A/B"), or a CommandError."""
    names = category_names(path)
    category = None
    for name in names:
        found = bank_categories(owner).filter(parent=category, name=name).first()
        if found is None:
            raise CommandError(
                _("No category “%(path)s” in the bank of %(owner)s (no “%(name)s” in %(where)s).")
                % {
                    "path": path,
                    "owner": owner,
                    "name": name,
                    "where": f"“{category.name}”" if category else _("its top level"),
                }
            )
        category = found
    if category is None:
        raise CommandError(_("“%(path)s” names no category.") % {"path": path})
    return category


def bank_data(owner, category=None):
    """The bank of `owner` (or `category` and everything under it) as the plain data of one
    quiz: its questions in tree order, each with its category path, and "categories"
    with the {path: description, format, ID number} of every category exported and
    those above them."""
    rows = bank.category_tree(owner)
    if category is not None:
        inside = set(bank.subtree_ids(category))
        rows = [row for row in rows if row[0].pk in inside]
    order = {row[0].pk: index for index, row in enumerate(rows)}
    questions = sorted(
        Question.objects.filter(category__in=list(order)).order_by("id"),
        key=lambda question: order[question.category_id],
    )
    data, _categories = bank.with_categories(questions)
    infos = bank.category_infos(owner)
    visible = set(bank_categories(owner).values_list("pk", flat=True))
    known = {path: info for pk, (path, info) in infos.items() if pk in visible}
    categories = {}
    for pk in order:
        path = infos[pk][0]
        for depth in range(1, len(path) + 1):
            categories.setdefault(path[:depth], known[path[:depth]])
    title = category.name if category is not None else _("Question bank")
    return {"title": title, "questions": data, "categories": dict(sorted(categories.items()))}


class Command(ExportCommand):
    help = gettext_lazy(
        "Export a teacher's question bank (or one category and its subcategories) with its "
        "categories, as OpenQuizz JSON, GIFT or Moodle XML."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help=_("user name of the bank's owner"))
        parser.add_argument(
            "--category",
            metavar="PATH",
            help=_("export only this category and its subcategories (names from the top: A/B)"),
        )
        parser.add_argument("--format", choices=list(FORMATS), default="json")
        parser.add_argument(
            "-o", "--output", metavar="DIR", help=_("directory for the file (created if needed)")
        )
        self.add_base_url_argument(parser)

    def handle(self, *args, owner, category, format, output, base_url, **options):
        user = get_user(owner)
        chosen = find_category(user, category) if category else None
        data = bank_data(user, chosen)
        if not data["questions"] and not data["categories"]:
            raise CommandError(_("The bank of %(owner)s is empty.") % {"owner": user})
        content, _type, extension = self.write(data, format, base_url, user)
        if output is None:
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        directory = Path(output)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / file_name(data["title"], extension)
        path.write_bytes(content)
        count = len(data["questions"])
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Wrote %(count)s question in %(categories)s categories to %(path)s.",
                    "Wrote %(count)s questions in %(categories)s categories to %(path)s.",
                    count,
                )
                % {"count": count, "categories": len(data["categories"]), "path": path}
            )
        )
