"""The tested pins (issue 21 item 15): constraints.txt pins every dependency exactly, each pin lies
inside pyproject.toml's range (so the floors that keep out releases with known advisories hold for
the tested set too), and `make venv` installs through it."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# floors below which a release has a published advisory (GHSA/PYSEC/CVE); pyproject may be stricter
ADVISORY_FLOORS = {"jupyterlab": "4.6.2", "jupyter-server": "2.21", "tornado": "6.5.10", "nbconvert": "7.17.1",
                   "pyarrow": "23.0.1", "duckdb": "2.0", "mistune": "3.3.4", "pdfplumber": "0.11.8"}


def _pins() -> dict[str, str]:
    pins = {}
    for n, line in enumerate((ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+!\-]+)", line)
        assert m, f"constraints.txt line {n}: {line!r} is not an exact NAME==VERSION pin"
        name = canonicalize_name(m.group(1))
        assert name not in pins, f"constraints.txt: {name} pinned twice"
        pins[name] = m.group(2)
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    return [Requirement(r) for r in project["dependencies"] + extras.get("test", []) + extras.get("spark", [])]


def test_every_dependency_is_pinned_inside_its_range() -> None:
    pins = _pins()
    assert "workbench" not in pins  # the package itself is installed editable, never pinned
    for req in _requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} (pyproject.toml) has no pin in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {req.name}=={pins[name]}, outside pyproject.toml's '{req.specifier}'"


def test_floors_keep_out_releases_with_advisories() -> None:
    from packaging.version import Version

    reqs = {canonicalize_name(r.name): r for r in _requirements()}
    for name, floor in ADVISORY_FLOORS.items():
        spec = reqs[canonicalize_name(name)].specifier
        below = Version(floor).release
        just_below = ".".join(map(str, below[:-1] + (below[-1] - 1,))) if below[-1] else None
        assert not just_below or not spec.contains(just_below), f"{name}: '{spec}' still admits {just_below}"
        assert spec.contains(floor), f"{name}: '{spec}' excludes the fixed release {floor}"


def test_make_venv_installs_through_the_constraints() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r'pip install [^\n]*-c constraints\.txt -e "\.\[test\]"', makefile)
    assert re.search(r"^\$\(STAMP\):[^\n]*constraints\.txt", makefile, re.MULTILINE)


def test_make_venv_leaves_out_the_iri_parser_that_costs_every_kernel_two_seconds() -> None:
    """rfc3987-syntax (pulled in by jupyter-events through jsonschema[format-nongpl]) builds a lark
    Earley parser on import; plotly's notebook renderer imports nbformat, hence jsonschema, in every
    kernel. `make venv` removes it; nothing in the stack validates the "iri" formats it serves."""
    import importlib.util

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"pip uninstall [^\n]*rfc3987-syntax", makefile)
    assert importlib.util.find_spec("rfc3987_syntax") is None, "rfc3987-syntax is installed: run 'make venv'"
    import jsonschema  # noqa: F401  (still imports, without the iri format check)
