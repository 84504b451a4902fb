"""Every OpenQuizz command prints its --help, in English and in French."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parents[2]
OWN_COMMANDS = sorted(
    (name, app) for name, app in get_commands().items() if app in {"quizzes", "openquizz"}
)


def test_the_project_has_commands():
    names = {name for name, _app in OWN_COMMANDS}
    assert {"createteacher", "import_quizzes", "export_quizzes", "check_mongo"} <= names


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(("name", "app"), OWN_COMMANDS)
def test_help_is_formatted(name, app, language):
    with translation.override(language):
        command = load_command_class(app, name)
        text = command.create_parser("manage.py", name).format_help()
        description = " ".join(str(command.help).split())
    assert description
    assert description[:30] in " ".join(text.split())


def test_createteacher_help_from_the_command_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "createteacher", "--help"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Create a teacher account." in result.stdout
    assert "--password-from-env VAR" in result.stdout
