"""Imports go one way (spec/style.md): core ← accounts ← members ← costs ←
{meetings, procurement, agreements, allocation} ← reports ← portal ← demo. The apps in
braces do not import each other. Read from the source, so a new import that breaks the
order fails here, not in a reviewer's head."""

import ast
from pathlib import Path

APPS = Path(__file__).resolve().parents[2] / "apps"
LAYER = {"core": 0, "accounts": 1, "members": 2, "costs": 3,
         "meetings": 4, "procurement": 4, "agreements": 4, "allocation": 4,
         "reports": 5, "portal": 6, "demo": 7}


def imported_apps(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
            [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
        for name in names:
            if name.startswith("apps."):
                yield node.lineno, name.split(".")[1]


def test_every_app_imports_only_the_apps_below_it():
    assert set(LAYER) == {path.name for path in APPS.iterdir() if (path / "apps.py").exists()}
    wrong = []
    for path in APPS.rglob("*.py"):
        app = path.relative_to(APPS).parts[0]
        if "migrations" in path.parts:
            continue
        for line, other in imported_apps(path):
            if other != app and LAYER[other] >= LAYER[app]:
                wrong.append(f"{path.relative_to(APPS.parent)}:{line} imports apps.{other}")
    assert not wrong, "\n".join(wrong)
