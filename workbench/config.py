"""Schemas of the YAML files a dataset folder holds: dataset.yaml, permissions.yaml, posture.yaml.

Validated with pydantic; :func:`read_yaml` turns any failure into a :class:`DatasetError`
naming the file and the key.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import DatasetError
from .files import load_yaml_mapping, validate_model

M = TypeVar("M", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Organisation(_Strict):
    name: str = "Unnamed organisation"
    industry: str = "other"
    annual_revenue: float = Field(default=0.0, ge=0)
    currency: str = "EUR"
    jurisdictions: list[str] = Field(default_factory=list)
    # GDPR Art. 3(1): an establishment in the EU puts all its processing in scope (breach law)
    established_in: list[str] = Field(default_factory=list)
    # CN critical-information-infrastructure operator: 1 h incident clock, higher CSL fines
    critical_infrastructure: bool = False
    # real customer count when the dataset is an extract: revenue per customer for lost business
    customers: int | None = Field(default=None, gt=0)
    # share of revenue that downtime or churn loses as profit; None: the scenario's margin prior
    gross_margin: float | None = Field(default=None, ge=0, le=1)
    # where it runs networks or services (CN here brings the CAC measures and the Cybersecurity
    # Law); None: not declared, assumed from established_in and flagged "check" in the playbook
    operates_in: list[str] | None = None
    # the undertaking's (group's) turnover for GDPR fine caps; None: annual_revenue
    group_revenue: float | None = Field(default=None, ge=0)
    # GDPR lead supervisory authority, named in the Art. 33 notice of an EU-established controller
    lead_authority: str | None = None


class TableSource(_Strict):
    path: str | None = None
    encoding: str | None = None
    sheet: str | int | None = None
    sql: str | None = None
    table: str | None = None
    query: str | None = None
    spark_table: str | None = None

    def model_post_init(self, _: Any) -> None:
        if sum(map(bool, (self.path, self.sql, self.spark_table))) != 1:
            raise ValueError("error.config.one_source")  # a catalogue key: files.validate_model
        if self.sql and bool(self.table) == bool(self.query):
            raise ValueError("error.config.sql_source")


class EngineConfig(_Strict):
    """Which engine holds the tables: the embedded DuckDB (default) or Apache Spark."""

    kind: Literal["duckdb", "spark"] = "duckdb"
    master: str | None = None          # spark: "local[2]", "spark://host:7077", or "sc://host:15002" (Spark Connect)
    conf: dict[str, Any] = Field(default_factory=dict)
    threads: int | None = Field(default=None, ge=1)   # duckdb
    memory_limit: str | None = None                   # duckdb, e.g. "4GB"


class RetentionRule(_Strict):
    """Records an erasure must keep: ``table`` rows younger than ``days`` (by their record date),
    e.g. invoices under commercial or tax law; ``basis`` is the reason shown to the operator."""

    table: str
    days: int = Field(ge=0)
    basis: str | dict[str, str]  # a text, or language -> text
    columns: list[str] = Field(default_factory=list)  # kept columns only (others may go); empty: the whole row


class LegalHold(_Strict):
    """Data frozen for a claim or an authority's order: nothing under it may be erased."""

    reason: str
    tables: list[str] = Field(default_factory=list)        # empty: every table
    customer_ids: list[str] = Field(default_factory=list)  # empty: every customer
    until: dt.date | None = None


class Processing(_Strict):
    """Purposes and recipients (for subject-access packages and the DPIA), and what erasure must keep.

    A purpose or recipient is a text, or a mapping of language to text (``{en: ..., zh: ...}``)."""

    purposes: list[str | dict[str, str]] = Field(default_factory=list)
    recipients: list[str | dict[str, str]] = Field(default_factory=list)
    retention: list[RetentionRule] = Field(default_factory=list)
    legal_holds: list[LegalHold] = Field(default_factory=list)
    backup_retention_days: int | None = Field(default=None, ge=0)  # how long a backup copy lives


class DatasetConfig(_Strict):
    name: str
    as_of: dt.date | None = None
    organisation: Organisation = Field(default_factory=Organisation)
    engine: EngineConfig = Field(default_factory=EngineConfig)
    tables: dict[str, TableSource]
    columns: dict[str, dict[str, str]] = Field(default_factory=dict)
    # source value -> canonical value, per table and canonical column ({"1": active, "0": disabled})
    values: dict[str, dict[str, dict[str, str]]] = Field(default_factory=dict)
    permissions: str | None = None
    posture: str | None = None
    incidents: str | None = None       # the organisation's own incident history (breach frequencies)
    processing: Processing | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _value_keys_as_text(cls, v: Any) -> Any:
        """YAML reads ``1:`` as a number and ``true:`` as a boolean: a source value is text."""
        if not isinstance(v, dict):
            return v

        def text(k: Any) -> Any:
            return str(k).lower() if isinstance(k, bool) else str(k) if isinstance(k, (int, float)) else k
        return {t: ({c: ({text(k): x for k, x in m.items()} if isinstance(m, dict) else m)
                     for c, m in cols.items()} if isinstance(cols, dict) else cols)
                for t, cols in v.items()}


class TablePermission(_Strict):
    read: list[str] | Literal["*"] = Field(default_factory=list)
    export: bool = False

    def can_read(self, field: str) -> bool:
        return self.read == "*" or field in self.read


class Permissions(_Strict):
    roles: dict[str, dict[str, TablePermission]]

    def grant(self, role: str, table: str) -> TablePermission | None:
        """The permission a role has on a table (a ``"*"`` table entry applies to every table)."""
        tables = self.roles.get(role, {})
        return tables.get(table) or tables.get("*")

    def can_read(self, role: str, table: str, field: str) -> bool:
        specific = self.roles.get(role, {}).get(table)
        anywhere = self.roles.get(role, {}).get("*")
        return any(p is not None and p.can_read(field) for p in (specific, anywhere))

    def can_export(self, role: str, table: str) -> bool:
        specific = self.roles.get(role, {}).get(table)
        anywhere = self.roles.get(role, {}).get("*")
        return any(p is not None and p.export for p in (specific, anywhere))

    def all_access_roles(self) -> list[str]:
        """Roles that read ``"*"`` on table ``"*"``."""
        return sorted(r for r, t in self.roles.items() if "*" in t and t["*"].read == "*")


class EncryptionAtRest(_Strict):
    enabled: bool = False
    algorithm: str | None = None
    key_management: str | None = None
    key_rotation_days: int | None = None


class BackupPolicy(_Strict):
    rpo_hours: float | None = None
    rto_hours: float | None = None
    offsite: bool = False
    immutable: bool = False


class System(_Strict):
    name: str
    stores: list[str] = Field(default_factory=list)
    encryption_at_rest: EncryptionAtRest = Field(default_factory=EncryptionAtRest)
    tls_min_version: str | None = None
    field_encryption: list[str] = Field(default_factory=list)
    backup_policy: BackupPolicy = Field(default_factory=BackupPolicy)

    @field_validator("tls_min_version", mode="before")
    @classmethod
    def _tls_as_text(cls, v: Any) -> Any:
        return None if v is None else str(v)


class Policies(_Strict):
    retention_days: int | None = None
    dormant_account_days: int | None = None
    mfa_required_roles: list[str] = Field(default_factory=list)
    access_review_days: int | None = None
    erasure_deadline_days: int | None = None


class Posture(_Strict):
    systems: list[System] = Field(default_factory=list)
    policies: Policies = Field(default_factory=Policies)

    def encrypted_fields(self) -> set[str]:
        """Columns under field-level encryption in any system (``table.column`` or ``column``)."""
        return {f for s in self.systems for f in s.field_encryption}


def read_yaml(path: Path, model: type[M], what: str) -> M:
    """Load ``path`` with a safe loader and validate it as ``model``; errors name file and key."""
    raw = load_yaml_mapping(path, what, DatasetError, missing_hint="error.yaml.missing_reference_hint")
    return validate_model(raw, model, path, what, DatasetError)
