"""pytest plugin for running sessions_mw's tests on their own, without a project:

    python -m pytest sessions_mw -p sessions_mw.tests.plugin --ds=sessions_mw.tests.settings

sessions_mw's tests need two session fixtures that a host project's conftest
usually defines, `mongodb_uri` and `django_db_modify_db_settings`. When no
loaded conftest or plugin defines `mongodb_uri`, this registers
server_fixtures.py, which provides both; inside a project that defines them,
it does nothing, so one server serves the whole suite and every fixture keeps
one definition.

sessions_mw/tests/conftest.py loads this plugin too, so `-p` may be left out.
The fixtures are registered from pytest_configure rather than defined here
because `-p` plugins load before pytest-django, whose own
`django_db_modify_db_settings` would then shadow ours.
"""

FIXTURES_MODULE = "sessions_mw.tests.server_fixtures"


def pytest_configure(config):
    manager = config.pluginmanager
    if not any(hasattr(plugin, "mongodb_uri") for plugin in manager.get_plugins()):
        manager.import_plugin(FIXTURES_MODULE)
