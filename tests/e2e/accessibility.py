"""axe-core in the end-to-end tests: run it on the page the browser shows.

axe-core is vendored in tests/e2e/vendor/axe-core/ (VERSION says where from);
it is injected into the page under test only, never served by the app.
`axe_violations(page)` runs every rule axe enables by default (WCAG 2.x A and
AA, and axe's best practices); `assert_accessible(page)` fails with one line
per offending element.
"""

from pathlib import Path

AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def axe_violations(page):
    """axe-core's violations on the page as it is now: [{id, impact, help, nodes}]."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated by the browser's DevTools, which the page's Content-Security-Policy
        # does not govern: an inline <script> (add_script_tag) would be refused.
        page.evaluate(f"() => {{ {AXE_SCRIPT.read_text()}\n}}")
    return page.evaluate(RUN_AXE)


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {node['target']}: {node['summary']}" for node in violation["nodes"]]
    return "\n".join(lines)


def assert_accessible(page, where=""):
    """Fail, listing each rule and element, when axe-core finds any violation on the page."""
    violations = axe_violations(page)
    assert not violations, f"axe-core violations {where}:\n{describe_violations(violations)}"
