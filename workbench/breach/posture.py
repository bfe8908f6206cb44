"""Posture → vulnerability inputs.

Each input is read from the assessment's findings when the finding has a verdict, else computed
from the dataset, else *unknown*, which counts as "no control in place and no known problem"
(no evidence, no credit). All shares are in [0, 1].

| input | from findings | from the dataset | moves |
|---|---|---|---|
| ``mfa_coverage`` | AC-001: pass → 1, fail → 1 − affected/total | active accounts in privileged roles (``mfa_required_roles`` ∪ all-access roles) with ``mfa_enabled`` | credential theft, ransomware: vulnerability × (1 − strength · x) |
| ``training_completion`` | TRN-001: pass → 1, fail → 1 − affected/total | active non-service staff trained in the last 365 days | phishing, ransomware, lost laptop |
| ``backups_encrypted`` | BK-005: pass → 1, fail → 1 − affected/total | share of backup jobs in the 90-day window with ``encrypted`` | exposed backup bucket |
| ``access_review`` | — | ``policies.access_review_days`` ≤ 90 | insider, integration key |
| ``unauthorised_exports`` | AC-005: fail → 1 | access-log exports by roles without export permission | insider, integration key: × (1 + strength) |
| ``terminated_active`` | AC-002: fail → 1 | an active account with ``terminated_at`` set | insider |
| ``immutable_offsite`` | BK-003: pass → true | a successful offsite/cloud immutable job in the window; else the customer store's ``backup_policy`` | ransomware downtime ≤ RTO multiple |
| ``restore_tested`` | BK-004: pass → true | ``restore_tested_at`` within 90 days | ransomware downtime ≈ RTO (with immutable copies) |
| ``rto_hours`` | — | customer store ``backup_policy.rto_hours`` (default 24) | ransomware downtime |
| ``plaintext_national_ids`` | ENC-001: fail → true | ``national_id`` values not under field encryption | severity (reported; the exposure decides per scenario) |

A fixed control (what-if) sets its input to the best value; see :data:`CONTROLS`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

WINDOW_DAYS = 90
CONTROLS = {
    "mfa-all-privileged": "MFA on every account in a privileged role",
    "encrypt-national-ids": "field-level encryption of national ids (keys held elsewhere)",
    "immutable-offsite-backups": "immutable offsite backups with restores tested every quarter",
    "train-everyone": "every member of staff trained within the year",
    "encrypt-backups": "every backup job encrypted",
    "redact-notes": "identifiers (national ids, card numbers) redacted from free-text notes",
    "encrypt-ids-and-redact-notes": "field-level encryption of national ids and identifiers redacted from notes",
}


@dataclass(frozen=True)
class PostureInputs:
    mfa_coverage: float = 0.0
    training_completion: float = 0.0
    backups_encrypted: float = 0.0
    access_review: float = 0.0
    unauthorised_exports: float = 0.0
    terminated_active: float = 0.0
    immutable_offsite: bool = False
    restore_tested: bool = False
    rto_hours: float = 24.0
    plaintext_national_ids: bool = False
    extra_encrypted: frozenset[str] = frozenset()
    redacted: frozenset[str] = frozenset()     # free-text columns whose identifiers are redacted
    origin: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def as_inputs(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ("mfa_coverage", "training_completion", "backups_encrypted",
                                              "access_review", "unauthorised_exports", "terminated_active",
                                              "immutable_offsite", "restore_tested", "rto_hours")}

    def fixed(self, control: str) -> "PostureInputs":
        """The same posture with one control put right."""
        if control == "mfa-all-privileged":
            return replace(self, mfa_coverage=1.0)
        if control == "train-everyone":
            return replace(self, training_completion=1.0)
        if control == "immutable-offsite-backups":
            return replace(self, immutable_offsite=True, restore_tested=True)
        if control == "encrypt-backups":
            return replace(self, backups_encrypted=1.0)
        if control == "encrypt-national-ids":
            return replace(self, plaintext_national_ids=False, extra_encrypted=self.extra_encrypted | {"national_id"})
        if control == "redact-notes":
            return replace(self, redacted=self.redacted | {"notes"})
        if control == "encrypt-ids-and-redact-notes":
            return replace(self.fixed("encrypt-national-ids"), redacted=self.redacted | {"notes"})
        raise KeyError(control)

    def to_dict(self) -> dict:
        d = {k: (round(float(v), 4) if not isinstance(v, bool) else v) for k, v in self.as_inputs().items()}
        d["plaintext_national_ids"] = self.plaintext_national_ids
        return {"inputs": d, "origin": dict(sorted(self.origin.items()))}


def _findings_index(findings: dict | None) -> dict[str, dict]:
    if not findings:
        return {}
    return {f.get("id"): f for f in findings.get("findings", []) if isinstance(f, dict)}


def _share_from(f: dict | None) -> float | None:
    if not f or f.get("status") not in ("pass", "fail"):
        return None
    if f["status"] == "pass":
        return 1.0
    a, t = f.get("affected"), f.get("total")
    if isinstance(a, (int, float)) and isinstance(t, (int, float)) and t > 0:
        return max(0.0, min(1.0, 1 - a / t))
    return None


def _flag_from(f: dict | None) -> bool | None:
    return None if not f or f.get("status") not in ("pass", "fail") else f["status"] == "fail"


def _active(users: pd.DataFrame) -> pd.DataFrame:
    if "status" in users:
        users = users[users["status"].fillna("active") == "active"]
    return users


def _customer_store(dataset):
    systems = dataset.posture.systems if dataset.posture else []
    return next((s for s in sorted(systems, key=lambda s: s.name) if "customers" in s.stores), None)


def derive(dataset, findings: dict | None = None) -> PostureInputs:
    """Vulnerability inputs for ``dataset`` (see the module docstring for the table)."""
    fx = _findings_index(findings)
    origin: dict[str, str] = {}
    vals: dict[str, object] = {}
    now = dataset.now
    users = dataset.tables.get("users")
    backups = dataset.tables.get("backups")
    perms, posture = dataset.permissions, dataset.posture

    def put(name: str, value, where: str) -> None:
        vals[name] = value
        origin[name] = where

    # MFA coverage of privileged roles
    s = _share_from(fx.get("AC-001"))
    if s is not None:
        put("mfa_coverage", s, "findings:AC-001")
    elif users is not None and {"role", "mfa_enabled"} <= set(users.columns):
        priv = set(posture.policies.mfa_required_roles if posture else []) | set(perms.all_access_roles() if perms else [])
        u = _active(users)
        u = u[u["role"].isin(sorted(priv))]
        if len(u):
            put("mfa_coverage", float(u["mfa_enabled"].fillna(False).astype(bool).mean()), "dataset:users")
    # training completion
    s = _share_from(fx.get("TRN-001"))
    if s is not None:
        put("training_completion", s, "findings:TRN-001")
    elif users is not None and "last_training_at" in users:
        u = _active(users)
        if "is_service_account" in u:
            u = u[~u["is_service_account"].fillna(False).astype(bool)]
        if len(u):
            recent = (u["last_training_at"] >= now - pd.Timedelta(days=365)).fillna(False).astype(bool)
            put("training_completion", float(recent.mean()), "dataset:users")
    # backups
    window = None
    if backups is not None and "started_at" in backups:
        window = backups[(backups["started_at"] > now - pd.Timedelta(days=WINDOW_DAYS)) & (backups["started_at"] <= now)]
    s = _share_from(fx.get("BK-005"))
    if s is not None:
        put("backups_encrypted", s, "findings:BK-005")
    elif window is not None and "encrypted" in window and len(window):
        put("backups_encrypted", float(window["encrypted"].fillna(False).astype(bool).mean()), "dataset:backups")
    f = _flag_from(fx.get("BK-003"))
    if f is not None:
        put("immutable_offsite", not f, "findings:BK-003")
    elif window is not None and {"location", "immutable", "status"} <= set(window.columns):
        ok = (window["status"] == "success") & window["location"].isin(["offsite", "cloud"]) & \
             window["immutable"].fillna(False).astype(bool)
        put("immutable_offsite", bool(ok.fillna(False).any()), "dataset:backups")
    else:
        store = _customer_store(dataset)
        if store is not None:
            put("immutable_offsite", bool(store.backup_policy.offsite and store.backup_policy.immutable),
                "posture:backup_policy")
    f = _flag_from(fx.get("BK-004"))
    if f is not None:
        put("restore_tested", not f, "findings:BK-004")
    elif backups is not None and "restore_tested_at" in backups:
        t = backups["restore_tested_at"]
        put("restore_tested", bool(((t > now - pd.Timedelta(days=WINDOW_DAYS)) & (t <= now)).fillna(False).any()),
            "dataset:backups")
    store = _customer_store(dataset)
    if store is not None and store.backup_policy.rto_hours:
        put("rto_hours", float(store.backup_policy.rto_hours), "posture:backup_policy")
    if posture is not None and posture.policies.access_review_days is not None:
        put("access_review", 1.0 if posture.policies.access_review_days <= 90 else 0.0, "posture:policies")
    # problems
    f = _flag_from(fx.get("AC-005"))
    if f is not None:
        put("unauthorised_exports", float(f), "findings:AC-005")
    else:
        log_cols = set(dataset.columns.get("access_log", []))
        if log_cols and perms is not None and users is not None and \
                {"user_id", "action", "table"} <= log_cols and "role" in users:
            # the distinct (role, table) pairs of export events, computed in the engine
            ex = dataset.sql('SELECT DISTINCT u.role, l."table" FROM access_log l LEFT JOIN users u '
                             'ON l.user_id = u.user_id WHERE l.action = \'export\' AND l.user_id IS NOT NULL '
                             'AND l."table" IS NOT NULL')
            bad = any(not (isinstance(r, str) and perms.can_export(r, t))
                      for r, t in ex[["role", "table"]].itertuples(index=False))
            put("unauthorised_exports", float(bad), "dataset:access_log")
    f = _flag_from(fx.get("AC-002"))
    if f is not None:
        put("terminated_active", float(f), "findings:AC-002")
    elif users is not None and "terminated_at" in users:
        put("terminated_active", float(_active(users)["terminated_at"].notna().any()), "dataset:users")
    f = _flag_from(fx.get("ENC-001"))
    if f is not None:
        put("plaintext_national_ids", f, "findings:ENC-001")
    elif dataset.has("customers", "national_id"):
        enc = posture.encrypted_fields() if posture else set()
        put("plaintext_national_ids", not ({"national_id", "customers.national_id"} & enc), "dataset:customers")
    for name in ("mfa_coverage", "training_completion", "backups_encrypted", "access_review",
                 "unauthorised_exports", "terminated_active", "immutable_offsite", "restore_tested", "rto_hours"):
        origin.setdefault(name, "unknown (default)")
    return PostureInputs(**vals, origin=origin)
