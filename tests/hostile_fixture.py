"""A hostile sample dataset (issue 11, item 10), built from a small generated sample:

* markup in every text column of every table (each payload names its table and column),
  staff departments included, and in the customers' and staff names;
* ``users.csv`` as CP1252 (declared ``encoding: cp1252``) with ``Jürgen Müller``;
* an empty table (``backups.csv``: header only) and an all-null one (``transactions.csv``: ids only);
* staff in roles that ``permissions.yaml`` does not define (``salez`` and a markup role);
* ``training_results`` whose module names carry markup.

* (issue 21) markup in every header of ``customers.csv`` (mapped back through ``columns:``), an
  extra column whose header is a script and whose cells hold planted contact data, terminal
  control sequences (ESC, BEL) in text values, markup in the organisation name, the posture's
  system names and a role; planted e-mail, phone and card values (:data:`PLANTED`) that must never
  appear raw in any output.

Values stay loadable: ids unique, enums within their vocabulary, dates ISO.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from workbench.sample import generate_sample

MARKER = "hostile"
CONTROL = "\x1b]0;owned\x07\x1b[2J"  # retitles and clears a terminal if printed raw
PLANTED = {"email": "mallory.planted@example.org", "phone": "+1 415 555 0199", "card": "4111 1111 1111 1111"}


def payload(table: str, column: str) -> str:
    """A value that becomes a live element if it reaches HTML unescaped."""
    return (f"<img src=x onerror=alert('{MARKER}-{table}-{column}')><b class=\"{MARKER}\">{table}.{column}</b>"
            f"{CONTROL}")


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
    # every customers header carries markup (mapped back by columns:), plus a script header over planted data
    customers = _read(root / "customers.csv")
    customers[f"<script>alert('{MARKER}-header')</script>"] = [
        f"call {PLANTED['phone']} or mail {PLANTED['email']}, card {PLANTED['card']}" if i % 3 == 0 else ""
        for i in range(len(customers))]
    mapping = {c: f"<u class={MARKER}>{c}</u>" for c in customers.columns if not c.startswith("<script>")}
    customers.rename(columns=mapping).to_csv(root / "customers.csv", index=False)
    posture = yaml.safe_load((root / "posture.yaml").read_text(encoding="utf-8"))
    for i, system in enumerate(posture["systems"]):
        system["name"] = f"<svg onload=alert('{MARKER}-system-{i}')>sys{i}"
    (root / "posture.yaml").write_text(yaml.safe_dump(posture, allow_unicode=True), encoding="utf-8")
    cfg = yaml.safe_load((root / "dataset.yaml").read_text(encoding="utf-8"))
    cfg.setdefault("columns", {}).setdefault("customers", {}).update({c: h for c, h in mapping.items()})
    cfg["organisation"]["name"] = f"<img src=x onerror=alert('{MARKER}-org')>Hostile GmbH{CONTROL}"
    cfg["tables"]["users"]["encoding"] = "cp1252"
    cfg["name"] = f"<i onmouseover=alert('{MARKER}-name')>Hostile CRM</i>"
    (root / "dataset.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return root
