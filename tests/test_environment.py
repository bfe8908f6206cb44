"""environment.yml and pyproject.toml list the same dependencies with the same bounds."""
from __future__ import annotations

import re
import tomllib

import yaml

# conda-forge's name for a PyPI package, where they differ (psycopg-c: the C build of psycopg 3)
CONDA_NAMES = {"duckdb": "python-duckdb", "psycopg-binary": "psycopg-c", "jupyter-server": "jupyter_server"}


def _norm(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert m, spec
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_environment_matches_pyproject(repo):
    py = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    pip_deps = dict(_norm(d) for d in py["dependencies"] + py["optional-dependencies"]["test"])
    env = yaml.safe_load((repo / "environment.yml").read_text())
    conda = dict(_norm(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python=", "pip")))
    expected = {CONDA_NAMES.get(k, k): v for k, v in pip_deps.items()}
    assert conda == expected
    assert "python=3.11" in env["dependencies"]


def test_makefile_and_ci_use_the_readme_commands(repo):
    readme = (repo / "README.md").read_text()
    assert "make report" in readme and "make test" in readme
    assert "make test" in (repo / ".ci" / "run").read_text()
