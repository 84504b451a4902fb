"""sessions_mw is publishable alone: no module of it, tests included, uses the project.

A static check over every .py file of the package (so it also covers modules
no test imports), and, when the tests run alone, a check of what was imported.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import sessions_mw

PACKAGE_DIR = Path(sessions_mw.__file__).resolve().parent
# Prefixes of the project's module names (the trailing dot keeps them from
# matching the check's own DOTTED_NAME).
PROJECT_PREFIXES = ("openquizz.", "quizzes.")
STANDALONE_SETTINGS = "sessions_mw.tests.settings"
# A string that could name a module: import_string(), INSTALLED_APPS,
# ROOT_URLCONF, pytest.mark.urls(...), pytest_plugins, -p.
DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def _is_project(name):
    return name is not None and f"{name}.".startswith(PROJECT_PREFIXES)


def project_references(source, where):
    """`where:line: name` for every import of, or dotted string naming, a project module."""
    tree = ast.parse(source, filename=where)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and DOTTED_NAME.fullmatch(node.value)
        ):
            names = [node.value]
        else:
            continue
        yield from (f"{where}:{node.lineno}: {name}" for name in names if _is_project(name))


def test_no_module_imports_the_project():
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    assert PACKAGE_DIR / "tests" / "conftest.py" in files

    found = [
        reference
        for path in files
        for reference in project_references(
            path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE_DIR.parent))
        )
    ]

    assert found == [], (
        "sessions_mw must not depend on the project (it is published alone): " + "; ".join(found)
    )


def test_the_check_sees_every_kind_of_reference():
    sample = (
        "import openquizz.mongod\n"
        "from quizzes.models import Quiz\n"
        "from . import views\n"
        "import quizzesque\n"
        'APP = "quizzes"\n'
        'URLS = "openquizz.urls"\n'
        'TEXT = "the quizzes of openquizz"\n'
    )

    assert sorted(project_references(sample, "sample.py")) == [
        "sample.py:1: openquizz.mongod",
        "sample.py:2: quizzes.models",
        "sample.py:5: quizzes",
        "sample.py:6: openquizz.urls",
    ]


def _conftests_outside_the_package(config):
    files = [getattr(plugin, "__file__", None) for plugin in config.pluginmanager.get_plugins()]
    return [
        file
        for file in files
        if file
        and Path(file).name == "conftest.py"
        and not Path(file).resolve().is_relative_to(PACKAGE_DIR)
    ]


def run_alone(test_id):
    """Run one test of this package as sessions_mw runs alone (README, "Running its tests")."""
    command = [
        sys.executable, "-m", "pytest", test_id, "-q", "-p", "no:cacheprovider",
        "-p", "sessions_mw.tests.plugin", f"--ds={STANDALONE_SETTINGS}",
        f"--confcutdir={PACKAGE_DIR}", f"--rootdir={PACKAGE_DIR}",
    ]  # fmt: skip
    return subprocess.run(command, cwd=PACKAGE_DIR.parent, capture_output=True, text=True)


def test_run_alone_imports_no_project_module(request):
    if settings.SETTINGS_MODULE != STANDALONE_SETTINGS:
        # Inside a project: check the standalone run itself, in a process of its own.
        result = run_alone(f"{Path(__file__).relative_to(PACKAGE_DIR.parent)}::{request.node.name}")
        assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout + result.stderr
        return
    outside = _conftests_outside_the_package(request.config)
    assert outside == [], f"a conftest outside sessions_mw was loaded: {outside} (see --confcutdir)"

    imported = sorted(name for name in sys.modules if _is_project(name))

    assert imported == [], f"sessions_mw's tests alone imported project modules: {imported}"
