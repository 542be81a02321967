"""The layout rule: warp/*.py is pure; each subfolder may import its one heavy stack."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

PACKAGE = ROOT / "warp"
HEAVY = ("gmsh", "dolfinx", "basix", "ufl", "petsc4py", "mpi4py", "dask", "distributed")
STACK_OF = {
    "mesh": {"gmsh"},
    "fem": {"dolfinx", "basix", "ufl", "petsc4py", "mpi4py"},
    "sweep": {"dask", "distributed", "dask_jobqueue"},
}
DRIVERS = ("cli.py", "run.py")
"""The drivers; with the public API (warp/__init__.py) the only pure files that reach into
the heavy folders, and only inside functions."""


def _pure_modules() -> list[str]:
    files = sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "materials").glob("*.py"))
    return [
        ".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__") for f in files
    ]


@pytest.mark.parametrize("module", _pure_modules())
def test_pure_module_loads_no_heavy_stack(module):
    """Imported in a fresh interpreter, a pure module loads none of the heavy stacks."""
    code = f"import sys, {module}\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"{module} loads {proc.stdout.strip()}"


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at module level) for every import in a file."""
    tree = ast.parse(path.read_text())
    top = set(map(id, tree.body))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append((node.module, id(node) in top))
    return out


def test_only_the_drivers_reach_into_the_heavy_folders_and_lazily():
    for path in sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "materials").glob("*.py")):
        for module, top_level in _imports(path):
            parts = module.split(".")
            if parts[0] == "warp" and len(parts) > 1 and parts[1] in STACK_OF:
                driver = path.name in DRIVERS or path == PACKAGE / "__init__.py"
                assert driver, f"{path.name} imports {module}"
                assert not top_level, f"{path.name} imports {module} at import time"
            assert parts[0] not in HEAVY, f"{path.name} imports {module}"


@pytest.mark.parametrize("folder", sorted(STACK_OF))
def test_each_heavy_folder_imports_only_its_own_stack(folder):
    others = set().union(*(s for f, s in STACK_OF.items() if f != folder)) - {"mpi4py"}
    for path in sorted((PACKAGE / folder).glob("*.py")):
        for module, _ in _imports(path):
            parts = module.split(".")
            assert parts[0] not in others, f"{folder}/{path.name} imports {module}"
            if parts[0] == "warp" and len(parts) > 1 and parts[1] in STACK_OF:
                assert parts[1] == folder, f"{folder}/{path.name} imports {module}"


def test_modules_stay_small_and_the_driver_short():
    sizes = {p.relative_to(ROOT): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert max(sizes.values()) <= 600, {p: n for p, n in sizes.items() if n > 600}
    assert sizes[Path("warp/run.py")] <= 150


def test_test_files_have_unique_names():
    """The test folders have no __init__.py, so pytest imports test modules by basename."""
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
