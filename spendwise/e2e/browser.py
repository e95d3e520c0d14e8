"""What the browser tests share: viewports, finding Chromium, axe-core, screenshots.

No Django here; Playwright objects are typed ``Any`` (they are only used in the tests).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# Installed by `npm ci` (scripts/build-assets) from package.json; never copied into static/.
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
# axe's impacts that fail a page; "minor" and "moderate" are reported, not failed.
FAILING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool = False
    scale: float = 1


DESKTOP = Viewport("desktop", 1366, 900)
PHONE = Viewport("phone", 390, 844, mobile=True, scale=2)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_or_reason() -> tuple[str | None, str]:
    """The Chromium executable on PATH and "", or None and why it cannot be used."""
    executable = shutil.which("chromium")
    if executable is None:
        return None, (
            "no `chromium` on PATH; install Debian's package: sudo scripts/ensure-system-deps "
            "(or apt-get install chromium)"
        )
    try:
        subprocess.run([executable, "--version"], check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"{executable} --version failed: {exc}"
    return executable, ""


# The rule sets a page is held to: WCAG 2.1 A and AA, and axe's best practices.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
# What a colour scheme changes: in the dark scheme only these rules can find anything new.
COLOUR_RULES = ("color-contrast", "link-in-text-block")
_AXE_RUN = """async ([rules, TAGS]) => {
    const options = rules
        ? {runOnly: {type: "rule", values: rules}, resultTypes: ["violations"]}
        : {runOnly: {type: "tag", values: TAGS}, resultTypes: ["violations"]};
    const result = await axe.run(document, options);
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(
            n => ({target: n.target.join(" "), summary: n.failureSummary})),
    }));
}"""


def axe_violations(page: Any, rules: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now: the WCAG 2.1 A/AA rules and best practices, or
    only ``rules``. The violations with a failing impact, each with its rule id, help text and
    (at most five) offending nodes.

    The page's context must bypass the CSP: the script goes in as an inline script tag.
    """
    if not AXE_SCRIPT.is_file():
        raise FileNotFoundError(
            f"{AXE_SCRIPT} is missing: run scripts/build-assets (npm ci) to install axe-core"
        )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    found = page.evaluate(_AXE_RUN, [list(rules) if rules else None, list(AXE_TAGS)])
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def describe_violations(where: str, violations: list[dict[str, Any]]) -> str:
    """A readable list of axe violations for an assertion message."""
    lines = [f"{where}: {len(violations)} serious/critical accessibility violation(s)"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"      at {node['target']}: {node['summary']}".replace("\n", " "))
    return "\n".join(lines)


def chart_data(page: Any, script_id: str = "chart-data") -> Any:
    """The JSON a page's chart reads (``{{ chart|json_script:"chart-data" }}``)."""
    return json.loads(page.locator(f"script#{script_id}").text_content())
