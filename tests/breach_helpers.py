"""Small hand-made CRM datasets for the breach tests (written into tmp_path)."""
from __future__ import annotations

from pathlib import Path

import yaml

COUNTRIES = ["DE", "FR", "US", "CN", "US", "IT", "CN", "US"]
STATES = ["", "", "CA", "", "NY", "", "", "CA"]


def make_dataset(root: Path, *, customers: int = 40, national_ids: bool = True, field_encryption=(),
                 mfa: bool = False, trained: bool = False, immutable: bool = False, revenue: float = 50_000_000,
                 permissions: dict | None = None, posture: dict | None = None, users: bool = True,
                 notes: str = "", org: dict | None = None, places: list[tuple[str, str]] | None = None) -> Path:
    """Write a dataset folder and return its path. Customers cycle through EU, US-CA, US, CN
    (or through ``places``, a list of (country, state)).

    ``notes`` (free text) is written into the first customer's notes column; ``org`` adds or
    replaces organisation keys."""
    countries = [c for c, _ in places] if places else COUNTRIES
    states = [s for _, s in places] if places else STATES
    root.mkdir(parents=True, exist_ok=True)
    lines = ["customer_id,full_name,email,national_id,country,state,notes,erased_at"]
    for i in range(customers):
        nid = f"11010519491231{i:04d}" if national_ids else ""
        note = notes if i == 0 else "prefers e-mail"
        lines.append(f"C{i:05d},Person {i},p{i}@example.com,{nid},{countries[i % len(countries)]},{states[i % len(states)]},{note},")
    (root / "customers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tables = {"customers": {"path": "customers.csv"}}
    if users:
        u = ["user_id,name,department,role,status,mfa_enabled,last_login_at,terminated_at,is_service_account,last_training_at"]
        t = "2026-06-01" if trained else ""
        for i, role in enumerate(["admin", "admin", "sales", "sales", "sales", "support", "integration"]):
            svc = "true" if role == "integration" else "false"
            u.append(f"U{i},User {i},ops,{role},active,{'true' if mfa else 'false'},2026-09-01,,{svc},{t}")
        (root / "users.csv").write_text("\n".join(u) + "\n", encoding="utf-8")
        tables["users"] = {"path": "users.csv"}
    perms = permissions or {"roles": {
        "admin": {"*": {"read": "*", "export": True}},
        "sales": {"customers": {"read": ["customer_id", "full_name", "email", "country"], "export": True}},
        "support": {"customers": {"read": ["customer_id", "full_name", "email", "national_id"], "export": False}},
        "integration": {"customers": {"read": ["customer_id", "email"], "export": False}},
    }}
    post = posture or {
        "systems": [{"name": "crm-db", "stores": ["customers", "users"],
                     "encryption_at_rest": {"enabled": True}, "field_encryption": list(field_encryption),
                     "backup_policy": {"rpo_hours": 24, "rto_hours": 8, "offsite": immutable, "immutable": immutable}}],
        "policies": {"mfa_required_roles": ["admin"], "access_review_days": 180},
    }
    (root / "permissions.yaml").write_text(yaml.safe_dump(perms), encoding="utf-8")
    (root / "posture.yaml").write_text(yaml.safe_dump(post), encoding="utf-8")
    cfg = {"name": "Breach test CRM", "as_of": "2026-09-30",
           "organisation": {"name": "Test GmbH", "industry": "retail", "annual_revenue": revenue,
                            "currency": "EUR", "jurisdictions": ["EU", "US-CA", "CN"], **(org or {})},
           "tables": tables, "permissions": "permissions.yaml", "posture": "posture.yaml"}
    (root / "dataset.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return root


def const(v: float, **extra) -> dict:
    return {"value": v, "source": "s", **extra}


def scenario_dict(sid: str = "const-test", **over) -> dict:
    """A valid scenario with constant priors (hand-computable); ``over`` replaces top-level keys."""
    d = {
        "id": sid, "title": "Constant test scenario", "description": "closed-form check",
        "compromised": {"rule": "widest_read"},
        "tef": const(2.0),
        "vulnerability": {"base": const(0.5), "moved_by": []},
        "loss": {"response_fixed": const(1000.0, currency="USD"), "response_per_record": const(1.0, currency="USD"),
                 "identity_protection_per_record": const(2.0, currency="USD"),
                 "notification_per_record": const(0.5, currency="USD"), "churn": const(0.01),
                 "margin": const(0.5), "fines": False},
        "sources": {"s": {"title": "test source"}},
    }
    d.update(over)
    return d


def write_scenarios(directory: Path, *scenarios: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for s in scenarios:
        (directory / f"{s['id']}.yaml").write_text(yaml.safe_dump(s, sort_keys=False), encoding="utf-8")
    return directory


def cn_resident_id(first17: str = "11010519491231002") -> str:
    """A valid PRC resident id (ISO 7064 MOD 11-2 check digit)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def acme_copy(root: Path, top: dict | None = None, **org) -> Path:
    """A copy of the bundled sample (data/samples/acme_retail) whose dataset.yaml organisation
    gets ``org`` (e.g. ``operates_in=["CN"]``, ``critical_infrastructure=True``,
    ``established_in=["US"]``) and top-level keys ``top`` (e.g. ``incidents``); returns the folder."""
    import shutil

    src = Path(__file__).resolve().parents[1] / "data" / "samples" / "acme_retail"
    shutil.copytree(src, root)
    cfg = yaml.safe_load((root / "dataset.yaml").read_text(encoding="utf-8"))
    cfg["organisation"].update(org)
    cfg.update(top or {})
    (root / "dataset.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return root
