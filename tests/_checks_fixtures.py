"""Small hand-made datasets for the checks tests: a clean baseline on which every check passes,
which each test mutates to plant exactly the problem it counts."""
from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import yaml

from workbench import load_dataset
from workbench.checks import REGISTRY, CheckContext

AS_OF = "2026-09-30"
NATIONAL_IDS = ["420111199703294011", "11010519491231002X", "440524188001010014", "310101199001011234"]
CARDS = ["4111111111111111", "5500005555555559", "4012888888881881", "378282246310005"]


def _customers() -> list[dict]:
    base = [
        ("C1", "Anna Schmidt", "anna@example.de", "DE", None, "Asked about delivery times and was happy with the answer."),
        ("C2", "Wang Wei", "wei@example.cn", "CN", None, "Requested a catalogue for the spring collection in store."),
        ("C3", "John Doe", "john@example.com", "US", "CA", "Complained that the parcel arrived late, offered a voucher."),
        ("C4", "Marie Curie", "marie@example.fr", "FR", None, "Wants to be called back next week about the order status."),
    ]
    return [{"customer_id": cid, "full_name": n, "email": e, "phone": "", "national_id": NATIONAL_IDS[i],
             "country": c, "state": s or "", "created_at": "2025-01-10T10:00:00",
             "last_activity_at": "2026-09-01T10:00:00", "consent_marketing": "true", "consent_at": "2025-01-10T10:05:00",
             # one erasure request, inside its 30-day deadline: the column is not empty, nothing is overdue
             "erasure_requested_at": "2026-09-25T09:00:00" if cid == "C4" else "", "erased_at": "", "notes": note}
            for i, (cid, n, e, c, s, note) in enumerate(base)]


def _users() -> list[dict]:
    rows = [("U1", "Hannah Meyer", "IT", "admin", "active", "true", "false"),
            ("U2", "Tom Becker", "Sales", "sales", "active", "false", "false"),
            ("U3", "Li Na", "Support", "support", "active", "false", "false"),
            ("U4", "integration bot", "IT", "integration", "active", "false", "true"),
            ("U5", "Old Leaver", "Sales", "sales", "disabled", "false", "false")]
    return [{"user_id": u, "name": n, "department": d, "role": r, "status": s, "mfa_enabled": m,
             "last_login_at": "2026-09-20T09:00:00", "terminated_at": "2026-01-31T17:00:00" if u == "U5" else "",
             "is_service_account": svc, "last_training_at": "" if svc == "true" else "2026-03-01T10:00:00"}
            for u, n, d, r, s, m, svc in rows]


def _log() -> list[dict]:
    ev = [("2026-09-10T10:00:00", "U1", "read", "customers", "*", 10),
          ("2026-09-10T11:00:00", "U2", "read", "customers", "full_name, email", 5),
          ("2026-09-11T11:00:00", "U3", "read", "customers", "customer_id,notes", 3),
          ("2026-09-12T12:00:00", "U2", "export", "customers", "customer_id,email", 200),
          ("2026-09-12T13:00:00", "U4", "read", "transactions", "customer_id", 50),
          ("2026-09-12T14:00:00", "U2", "login", "", "", 1),
          # outside the 90-day window: a forbidden read and a forbidden export that must not count
          ("2026-05-01T10:00:00", "U3", "read", "customers", "national_id", 1),
          ("2026-05-01T11:00:00", "U3", "export", "customers", "customer_id", 100)]
    return [{"timestamp": t, "user_id": u, "action": a, "table": tb, "fields": f, "record_count": n,
             "source_ip": "10.0.0.1"} for t, u, a, tb, f, n in ev]


def _backups() -> list[dict]:
    rows = []
    for i, day in enumerate(pd.date_range("2026-06-25 01:00", "2026-09-30 01:00", freq="D")):
        rows.append({"job_id": f"B{i:04d}", "system": "crm-db", "started_at": day.isoformat(),
                     "finished_at": (day + pd.Timedelta(minutes=30)).isoformat(), "status": "success",
                     "kind": "full", "location": "cloud", "encrypted": "true", "immutable": "true",
                     "restore_tested_at": "2026-09-01T08:00:00" if day.day == 1 and day.month == 9 else ""})
    return rows


def _permissions() -> dict:
    return {"roles": {
        "admin": {"customers": {"read": "*", "export": True}, "transactions": {"read": "*", "export": True}},
        "sales": {"customers": {"read": ["customer_id", "full_name", "email"], "export": True}},
        "support": {"customers": {"read": ["customer_id", "full_name", "notes"], "export": False}},
        "integration": {"*": {"read": ["customer_id"], "export": False}},
    }}


def _posture() -> dict:
    return {"systems": [{"name": "crm-db", "stores": ["customers", "transactions", "users"],
                         "encryption_at_rest": {"enabled": True, "algorithm": "AES-256", "key_management": "KMS",
                                                "key_rotation_days": 90},
                         "tls_min_version": "1.2",
                         "field_encryption": ["customers.national_id", "card_number"],
                         "backup_policy": {"rpo_hours": 26, "rto_hours": 8, "offsite": True, "immutable": True}}],
            "policies": {"retention_days": 1095, "dormant_account_days": 90, "mfa_required_roles": ["admin"],
                         "access_review_days": 90, "erasure_deadline_days": 30}}


def baseline() -> dict:
    """Mutable spec of the clean dataset: table name -> list of row dicts, plus permissions/posture."""
    return {"customers": _customers(), "users": _users(), "access_log": _log(), "backups": _backups(),
            "transactions": [{"transaction_id": f"T{i}", "customer_id": f"C{i + 1}", "amount": 10.5,
                              "currency": "EUR", "created_at": "2026-09-01T10:00:00", "card_number": c}
                             for i, c in enumerate(CARDS)],
            "permissions": _permissions(), "posture": _posture()}


def build(tmp: Path, spec: dict | None = None, as_of: str = AS_OF):
    """Write ``spec`` as a dataset folder under ``tmp`` and load it."""
    spec = copy.deepcopy(spec if spec is not None else baseline())
    tmp.mkdir(parents=True, exist_ok=True)
    cfg: dict = {"name": "checks fixture", "as_of": as_of, "tables": {}}
    for t in ("customers", "transactions", "users", "access_log", "backups", "training_results"):
        rows = spec.get(t)
        if rows is None:
            continue
        df = pd.DataFrame(rows)
        df.to_csv(tmp / f"{t}.csv", index=False)
        cfg["tables"][t] = {"path": f"{t}.csv"}
    for key in ("permissions", "posture"):
        if spec.get(key) is not None:
            (tmp / f"{key}.yaml").write_text(yaml.safe_dump(spec[key], sort_keys=False), encoding="utf-8")
            cfg[key] = f"{key}.yaml"
    if spec.get("assignments") is not None:
        (tmp / "assignments.yaml").write_text(yaml.safe_dump(spec["assignments"], sort_keys=False), encoding="utf-8")
    (tmp / "dataset.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return load_dataset(tmp)


def run(ds, check_id: str, window_days: int = 90):
    return REGISTRY[check_id](CheckContext(dataset=ds, window_days=window_days))
