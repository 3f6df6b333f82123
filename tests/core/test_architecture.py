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


def test_no_module_writes_an_audit_entry_past_the_one_that_names_it_in_japanese():
    """A direct ``LogEntry.objects.log_create`` sends no signal, so its record kept the name
    it had in the language of whoever made the change (apps.core.audit)."""
    writers = [f"{path.relative_to(APPS.parent)}:{number}" for path in APPS.rglob("*.py")
               if path != APPS / "core" / "audit.py"
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
               if ".log_create(" in line]
    assert not writers, "write audit entries with apps.core.audit.log_entry_create:\n" + "\n".join(writers)
