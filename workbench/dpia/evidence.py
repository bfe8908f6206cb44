"""The evidence a DPIA rests on, gathered by calling the workbench's own public functions.

:func:`gather` runs :func:`workbench.pii.scan_dataset` (the inventory), :func:`workbench.assess.assess`
(findings and the risk register) and :func:`workbench.breach.simulate` (exposure, loss-event
frequency, notification duties) on a loaded dataset, plus a few aggregate facts only the dataset
holds (children by birth date, who may export, the systems in posture.yaml). Everything kept here
is a count, an id or a category: no value of the dataset.

:func:`from_results` builds the same object from a run folder's ``pii_inventory.json``,
``findings.json`` and ``simulation.json`` (the quarterly report); facts only the dataset holds are
then absent, and the rules that need them say so.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError

Progress = Callable[[str], None]
# The table a check reads. The checks report ``not_applicable`` when it is absent, but for an impact
# assessment "we hold no backup records" is not evidence that backups are fine: it is unverified.
NEEDS = {"BK": "backups", "AC-004": "access_log", "AC-005": "access_log", "AC-007": "access_log", "TRN": "users"}


@dataclass
class Evidence:
    """JSON-like documents from the other commands plus dataset facts (all aggregates)."""

    dataset: str
    as_of: str
    inventory: dict[str, Any]
    findings: dict[str, Any]
    simulation: dict[str, Any]
    register: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def finding(self, check_id: str) -> dict[str, Any] | None:
        return next((f for f in self.findings.get("findings", []) if f.get("id") == check_id), None)

    def status(self, check_id: str) -> str:
        """The check's status; ``insufficient_data`` also when it only did not apply because the
        table it reads is absent from the dataset (see ``NEEDS``)."""
        f = self.finding(check_id)
        status = f.get("status", "absent") if f else "absent"
        if status == "not_applicable":
            need = NEEDS.get(check_id) or NEEDS.get(check_id.split("-")[0])
            tables = {r.get("table") for r in self.inventory.get("processing_record", [])}
            if need and tables and need not in tables:
                return "insufficient_data"
        return status

    def scenario(self, scenario_id: str) -> dict[str, Any] | None:
        return next((s for s in self.simulation.get("scenarios", []) if s.get("id") == scenario_id), None)

    def record(self, table: str) -> dict[str, Any] | None:
        """The inventory's processing-record entry of ``table``."""
        return next((r for r in self.inventory.get("processing_record", []) if r.get("table") == table), None)


def _minors(customers: pd.DataFrame, now: pd.Timestamp, ages: dict[str, int]) -> dict[str, int] | None:
    if "birth_date" not in customers or customers["birth_date"].notna().sum() == 0:
        return None
    born = pd.to_datetime(customers["birth_date"], errors="coerce")
    out = {}
    for law, age in sorted(ages.items()):
        cutoff = now - pd.DateOffset(years=int(age))
        out[law] = int((born > cutoff).sum())
    return out


def dataset_facts(dataset: Any, minor_age: dict[str, int]) -> dict[str, Any]:
    """Aggregate facts the inventory and findings do not carry (counts, names of roles and systems)."""
    cust = dataset.tables["customers"]
    facts: dict[str, Any] = {
        "customers": int(len(cust)),
        "jurisdictions": ({str(k): int(v) for k, v in sorted(cust["jurisdiction"].fillna("unknown").value_counts().items())}
                          if "jurisdiction" in cust else {}),
        "organisation": {"name": dataset.organisation.name, "industry": dataset.organisation.industry,
                         "jurisdictions": list(dataset.organisation.jurisdictions),
                         "currency": dataset.organisation.currency},
        "minors": _minors(cust, dataset.now, minor_age),
        "tables": sorted(dataset.tables),
    }
    perms = dataset.permissions
    if perms is not None:
        roles = sorted(perms.roles)
        facts["roles"] = roles
        facts["export_roles"] = sorted(r for r in roles
                                       if any(p.export for t, p in perms.roles[r].items() if t in ("*", "customers", "transactions")))
        facts["all_access_roles"] = sorted(r for r in roles
                                           if "*" in perms.roles[r] and perms.roles[r]["*"].read == "*")
    users = dataset.tables.get("users")
    if users is not None:
        active = users[users["status"] == "active"] if "status" in users else users
        facts["staff_accounts"] = int(len(active))
        if "is_service_account" in active and "role" in active:
            roles = active.loc[active["is_service_account"].fillna(False).astype(bool), "role"].dropna().unique()
            facts["service_roles"] = sorted(str(r) for r in roles if perms is None or any(
                perms.can_read(str(r), t, "customer_id") for t in ("customers", "transactions")))
    posture = dataset.posture
    if posture is not None:
        facts["systems"] = [{"name": s.name, "stores": list(s.stores),
                             "encryption_at_rest": bool(s.encryption_at_rest.enabled),
                             "algorithm": s.encryption_at_rest.algorithm, "key_management": s.encryption_at_rest.key_management,
                             "tls_min_version": s.tls_min_version, "field_encryption": list(s.field_encryption),
                             "rpo_hours": s.backup_policy.rpo_hours, "rto_hours": s.backup_policy.rto_hours,
                             "offsite": s.backup_policy.offsite, "immutable": s.backup_policy.immutable}
                            for s in posture.systems]
        p = posture.policies
        facts["policies"] = {"retention_days": p.retention_days, "erasure_deadline_days": p.erasure_deadline_days,
                             "mfa_required_roles": list(p.mfa_required_roles), "access_review_days": p.access_review_days}
    return facts


def gather(dataset: Any, *, trials: int = 20_000, seed: int = 7, progress: Progress | None = None) -> Evidence:
    """Inventory, findings, risk register and simulation of ``dataset`` (as of ``dataset.as_of``)."""
    from ..assess import assess, evidence_rows
    from ..breach import simulate
    from ..pii import scan_dataset
    from .content import load_content

    say = progress or (lambda _m: None)
    content = load_content()
    say("scanning for personal data")
    inventory = scan_dataset(dataset).to_dict()
    say("assessing the posture checks")
    assessment = assess(dataset)
    findings = assessment.to_dict()
    say(f"simulating breach scenarios ({trials:,} years, seed {seed})")
    simulation = simulate(dataset, findings, trials=trials, seed=seed).to_dict()
    return Evidence(dataset=dataset.name, as_of=str(dataset.as_of), inventory=inventory, findings=findings,
                    simulation=simulation, register=evidence_rows(assessment.register),
                    facts=dataset_facts(dataset, dict(content.screening.minor_age)))


def _read(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError.of("error.dpia.results_missing", path=path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError.of("error.dpia.results_json", path=path, kind=type(e).__name__) from None


def from_results(folder: str | Path) -> Evidence:
    """Evidence from a run folder (pii_inventory.json, findings.json, simulation.json, risk_register.csv)."""
    folder = Path(folder)
    inv, fnd, sim = _read(folder, "pii_inventory.json"), _read(folder, "findings.json"), _read(folder, "simulation.json")
    reg_path = folder / "risk_register.csv"
    register = []
    if reg_path.is_file() and reg_path.stat().st_size:
        from ..assess import evidence_rows
        register = evidence_rows(pd.read_csv(reg_path))
    cust = next((r for r in inv.get("processing_record", []) if r.get("table") == "customers"), None)
    facts: dict[str, Any] = {}
    if cust is not None:
        facts["customers"] = int(cust.get("records", 0))
        facts["jurisdictions"] = dict(cust.get("subject_jurisdictions", {}))
    return Evidence(dataset=str(fnd.get("dataset", inv.get("dataset", ""))), as_of=str(fnd.get("as_of", "")),
                    inventory=inv, findings=fnd, simulation=sim, register=register, facts=facts)
