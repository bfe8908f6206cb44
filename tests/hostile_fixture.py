"""A hostile sample dataset (issue 11, item 10), built from a small generated sample:

* markup in every text column of every table (each payload names its table and column),
  staff departments included, and in the customers' and staff names;
* ``users.csv`` as CP1252 (declared ``encoding: cp1252``) with ``Jürgen Müller``;
* an empty table (``backups.csv``: header only) and an all-null one (``transactions.csv``: ids only);
* staff in roles that ``permissions.yaml`` does not define (``salez`` and a markup role);
* ``training_results`` whose module names carry markup.

Values stay loadable: ids unique, enums within their vocabulary, dates ISO.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from workbench.sample import generate_sample

MARKER = "hostile"


def payload(table: str, column: str) -> str:
    """A value that becomes a live element if it reaches HTML unescaped."""
    return f"<img src=x onerror=alert('{MARKER}-{table}-{column}')><b class=\"{MARKER}\">{table}.{column}</b>"


# text columns that may carry anything (not ids, enums, dates, booleans or numbers)
TEXT_COLUMNS = {
    "customers": ["full_name", "address", "city", "state", "notes"],
    "users": ["name", "department"],
    "access_log": ["source_ip"],
    "training_results": ["module"],
}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def build_hostile(root: Path, customers: int = 200, seed: int = 5) -> Path:
    """Write the hostile dataset to ``root`` and return it."""
    generate_sample(root, customers=customers, seed=seed)
    for table, cols in TEXT_COLUMNS.items():
        path = root / f"{table}.csv"
        df = _read(path)
        for col in cols:
            # every other row: the column keeps some normal values, so detectors and charts still work
            df.loc[df.index % 2 == 0, col] = payload(table, col)
        df.to_csv(path, index=False)
    users = _read(root / "users.csv")
    users.loc[1, "name"] = "Jürgen Müller"
    staff = users.index[(users["is_service_account"] == "false") & (users["status"] == "active")]
    users.loc[staff[2], "role"] = "salez"  # a typo: the role is not in permissions.yaml
    users.loc[staff[3], "role"] = f"<script>alert('{MARKER}-role')</script>"
    (root / "users.csv").write_bytes(users.to_csv(index=False).encode("cp1252"))
    # empty (header only) and all-null tables
    backups = _read(root / "backups.csv")
    backups.head(0).to_csv(root / "backups.csv", index=False)
    tx = _read(root / "transactions.csv")
    for col in tx.columns:
        if col != "transaction_id":
            tx[col] = ""
    tx.to_csv(root / "transactions.csv", index=False)
    cfg = yaml.safe_load((root / "dataset.yaml").read_text(encoding="utf-8"))
    cfg["tables"]["users"]["encoding"] = "cp1252"
    cfg["name"] = f"<i onmouseover=alert('{MARKER}-name')>Hostile CRM</i>"
    (root / "dataset.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return root
