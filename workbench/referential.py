"""Referential validation of ``permissions.yaml`` against the tables and columns the dataset has.

A table or field that is neither in the dataset nor a canonical name is a typo (DESIGN: bad
input), and a silent typo changes AC-004's count by hundreds: stop, name it, and suggest the
nearest real name. A canonical table or column the export happens to lack is not a typo: one
permission model serves several exports of the same CRM.
"""
from __future__ import annotations

import difflib
from pathlib import Path

from .config import Permissions
from .errors import DatasetError
from .schema import CANONICAL

DERIVED = {"jurisdiction"}  # added by the loader; nobody is granted it by name


def _hint(name: str, known: list[str], what: str) -> dict[str, str]:
    """The hint key and its values: the nearest known name, else the known names (``what``: tables/fields)."""
    near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if near:
        return {"hint_key": "error.permissions.near_hint", "near": near[0]}
    return {"hint_key": f"error.permissions.{what}_hint", "known": ", ".join(sorted(known)[:20])}


def check_permissions(perms: Permissions, columns: dict[str, list[str]], path: Path) -> None:
    """Raise :class:`DatasetError` for the first table or field in ``perms`` the dataset lacks."""
    tables = sorted(set(columns) | set(CANONICAL))
    fields = {t: sorted((set(columns.get(t, [])) | set(CANONICAL.get(t, {}))) - DERIVED) for t in tables}
    every_field = sorted({c for cols in fields.values() for c in cols})
    for role, grants in sorted(perms.roles.items()):
        for table, grant in sorted(grants.items()):
            if table != "*" and table not in fields:
                raise DatasetError.of("error.permissions.no_table", path=path, role=role, table=table,
                                      **_hint(table, tables, "tables"))
            if grant.read == "*":
                continue
            known = every_field if table == "*" else fields[table]
            for f in grant.read:
                if f != "*" and f not in known:
                    raise DatasetError.of("error.permissions.no_field_any" if table == "*" else "error.permissions.no_field",
                                          path=path, role=role, table=table, field=f, **_hint(f, known, "fields"))
