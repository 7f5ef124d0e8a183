"""The pure builders stay pure (issue 13, item 3): layouts/ and each page folder's builder modules
import the kernel, dash, plotly, AG Grid, the standard library, layouts/ and their own page's modules,
nothing else of the project (not dashboard/, queries/, ledger/ or streams/). Imports under
`if TYPE_CHECKING:` are for annotations only and are not counted. Read from the source (AST), so
function-local imports count too; nothing is imported here."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "dashboard" / "pages"
# A page folder's modules that fetch or register (the rest are its pure builders).
NOT_BUILDERS = {"page.py", "callbacks.py"}
THIRD_PARTY = {"dash", "dash_ag_grid", "plotly"}


def _builders() -> list[Path]:
    found = sorted((ROOT / "layouts").glob("*.py"))
    for folder in sorted(p for p in PAGES.iterdir() if p.is_dir()):
        found += sorted(p for p in folder.glob("*.py") if p.name not in NOT_BUILDERS)
    found.append(ROOT / "dashboard" / "login" / "form.py")
    found.append(ROOT / "dashboard" / "login" / "text.py")
    return found


def _runtime_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(node) for block in ast.walk(tree)
                   if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                   for node in ast.walk(block)}
    names = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _allowed(module: str, own: str | None) -> bool:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top in THIRD_PARTY or top in ("kernel", "layouts", "__future__"):
        return True
    return own is not None and (module == own or module.startswith(own + "."))


@pytest.mark.parametrize("path", _builders(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_builder_imports_only_the_kernel_dash_plotly_layouts_and_its_own_page(path):
    relative = str(path.relative_to(ROOT))
    own = ".".join(path.relative_to(ROOT).parent.parts) if path.parent != ROOT / "layouts" else None
    bad = [m for m in _runtime_imports(path) if not _allowed(m, own)]
    assert not bad, f"{relative} imports {bad}"
