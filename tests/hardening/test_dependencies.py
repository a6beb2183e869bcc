"""`make run` installs only the project's own dependencies (not the test extras): every
package the app's code imports must be one of them, or something one of them needs. (The
shift view's Jinja2 once came only with the test tools, and `make run` failed on a fresh
machine while every test passed.)"""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~\[;(]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _installed_closure(names: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # an optional requirement not installed here
        for raw in requires:
            req = Requirement(raw)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(_name(req.name))
    return seen


def _imported_top_level_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "coplan").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"coplan", "__future__"}


def test_every_package_the_app_imports_is_installed_by_make_run():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    allowed = _installed_closure({_name(r) for r in project["dependencies"]})
    distributions = metadata.packages_distributions()
    missing = {}
    for module in sorted(_imported_top_level_modules()):
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        assert dists, f"{module} is imported by the app but no installed package provides it"
        if not dists & allowed:
            missing[module] = sorted(dists)
    assert missing == {}, f"imported by the app but only installed by the test extras: {missing}"
