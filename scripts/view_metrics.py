"""Figures on how views handle service errors and visibility, to compare two revisions.

    python scripts/view_metrics.py [ROOT]

Prints: ``except ServiceError`` handlers in views (any ``except`` naming ServiceError or one
of its subclasses, outside ``app/services/`` and the CLI's ``app/commands/``), copies of
the field-error line, ``db.session.rollback()`` calls outside those, the median and largest
number of lines per view function (a function with a ``route``/``get``/``post``
decorator), and the places that decide which business lines a director sees (a comparison
with ``Role.DIRECTOR`` next to ``business_line_directors`` or ``.directors``).
"""

from __future__ import annotations

import ast
import statistics
import sys
from pathlib import Path

SERVICE_ERRORS = {
    "ServiceError",
    "StaleEdit",
    "WrongRole",
    "ImportRefused",
    "ExcelImportError",
}
ROUTE_DECORATORS = {"route", "get", "post", "put", "delete", "patch"}


def _names(node: ast.expr | None) -> set[str]:
    if node is None:
        return set()
    return {
        n.id if isinstance(n, ast.Name) else n.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Name | ast.Attribute)
    }


def _is_view(func: ast.FunctionDef) -> bool:
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in ROUTE_DECORATORS:
            return True
    return False


def _is_rollback(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "rollback"
        and ast.unparse(node.func.value) == "db.session"
    )


def _decides_visibility(func: ast.FunctionDef) -> bool:
    source = ast.unparse(func)
    return "Role.DIRECTOR" in source and (
        "business_line_directors" in source or ".directors" in source
    )


def measure(root: Path) -> dict[str, object]:
    handlers = field_lines = rollbacks = 0
    view_lengths: list[int] = []
    visibility: list[str] = []
    for path in sorted((root / "app").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        in_services = relative.startswith(("app/services/", "app/commands/"))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if in_services:
                pass
            elif isinstance(node, ast.ExceptHandler) and _names(node.type) & SERVICE_ERRORS:
                handlers += 1
            elif _is_rollback(node):
                rollbacks += 1
            elif isinstance(node, ast.Assign) and ast.unparse(node).endswith(
                ".errors = [*field.errors, error.message]"
            ):
                field_lines += 1
            if isinstance(node, ast.FunctionDef):
                if _is_view(node):
                    view_lengths.append((node.end_lineno or node.lineno) - node.lineno + 1)
                if _decides_visibility(node):
                    visibility.append(f"{relative}:{node.name}")
    return {
        "except ServiceError in views": handlers,
        "copies of the field-error line": field_lines,
        "db.session.rollback() outside services and the CLI": rollbacks,
        "view functions": len(view_lengths),
        "median lines per view": statistics.median(view_lengths),
        "max lines per view": max(view_lengths),
        "places deciding a director's business lines": len(visibility),
        "  where": ", ".join(visibility),
    }


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for name, value in measure(root).items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
