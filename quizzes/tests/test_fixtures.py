"""One definition, so one meaning, per fixture name across the project's tests.

The shared fixtures live in quizzes/tests/fixtures/plugin.py (registered by the
root conftest); a folder's conftest.py or a test module holds only fixtures of
its own, under names nothing else defines. This scan (with `ast`, so a file
that pytest would not collect is checked as well) covers the root conftest, the
plugin, and every conftest.py and test module under openquizz/, quizzes/ and
tests/; sessions_mw keeps standalone fixtures of its own and is left out.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_MODULE = "quizzes.tests.fixtures.plugin"
PLUGIN = ROOT / "quizzes" / "tests" / "fixtures" / "plugin.py"
SCANNED = ("openquizz", "quizzes", "tests")


def fixture_files():
    """The root conftest, the plugin, and every conftest.py and test_*.py of SCANNED."""
    files = [ROOT / "conftest.py", PLUGIN]
    for top in SCANNED:
        files += sorted(
            path
            for path in (ROOT / top).rglob("*.py")
            if path.name == "conftest.py" or path.name.startswith("test_")
        )
    return files


def fixture_decorator(node):
    """The @pytest.fixture / @fixture decorator of a function (a Call if it has arguments)."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "fixture":
            return decorator
        if isinstance(target, ast.Name) and target.id == "fixture":
            return decorator
    return None


def fixtures_in(path):
    """(name, line, docstring) of each fixture `path` defines, `name=` overrides included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        decorator = fixture_decorator(node)
        if decorator is None:
            continue
        name = node.name
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    name = keyword.value.value
        yield name, node.lineno, ast.get_docstring(node)


def definitions():
    """{fixture name: ["path:line", ...]} over fixture_files()."""
    found = defaultdict(list)
    for path in fixture_files():
        for name, line, _doc in fixtures_in(path):
            found[name].append(f"{path.relative_to(ROOT)}:{line}")
    return found


def test_no_fixture_name_is_defined_twice():
    defined = definitions()
    assert defined["teacher"], "the scan no longer finds the plugin's fixtures"
    twice = {name: places for name, places in defined.items() if len(places) > 1}
    assert twice == {}, (
        "define each fixture name once: a fixture that several files use goes to "
        "quizzes/tests/fixtures/plugin.py; one that means something else gets a name of its own"
    )


def test_shared_and_folder_fixtures_say_what_they_give():
    undocumented = [
        f"{path.relative_to(ROOT)}:{line} {name}"
        for path in fixture_files()
        if path == PLUGIN or path.name == "conftest.py"
        for name, line, doc in fixtures_in(path)
        if not doc
    ]
    assert undocumented == []


def test_the_root_conftest_registers_the_plugin(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin(PLUGIN_MODULE)
    module = ast.parse((ROOT / "conftest.py").read_text(encoding="utf-8"))
    registered = [
        ast.literal_eval(node.value)
        for node in module.body
        if isinstance(node, ast.Assign)
        and [getattr(target, "id", None) for target in node.targets] == ["pytest_plugins"]
    ]
    assert registered == [[PLUGIN_MODULE]]
