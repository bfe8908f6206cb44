"""Canonical tables and columns of the dataset contract (DESIGN.md), with their types.

Types: ``id`` (string, unique when it is the table's key), ``str``, ``datetime``, ``date``,
``bool``, ``float``, ``int``.
"""
from __future__ import annotations

CANONICAL: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": "id", "full_name": "str", "email": "str", "phone": "str",
        "national_id": "str", "birth_date": "date", "address": "str", "city": "str",
        "state": "str", "country": "str", "created_at": "datetime",
        "last_activity_at": "datetime", "consent_marketing": "bool", "consent_at": "datetime",
        "erasure_requested_at": "datetime", "erased_at": "datetime", "notes": "str",
    },
    "transactions": {
        "transaction_id": "id", "customer_id": "str", "amount": "float", "currency": "str",
        "created_at": "datetime", "card_number": "str",
    },
    "users": {
        "user_id": "id", "name": "str", "department": "str", "role": "str", "status": "str",
        "mfa_enabled": "bool", "last_login_at": "datetime", "terminated_at": "datetime",
        "is_service_account": "bool", "last_training_at": "datetime",
    },
    "access_log": {
        "timestamp": "datetime", "user_id": "str", "action": "str", "table": "str",
        "fields": "str", "record_count": "int", "source_ip": "str",
    },
    "backups": {
        "job_id": "id", "system": "str", "started_at": "datetime", "finished_at": "datetime",
        "status": "str", "kind": "str", "location": "str", "encrypted": "bool",
        "immutable": "bool", "restore_tested_at": "datetime",
    },
    "training_results": {  # completed training from an LMS export (or the results store)
        "trainee_id": "str", "module": "str", "score": "float", "passed": "bool",
        "completed_at": "datetime", "attempt": "int",
    },
}

# The key column of each table (unique when present); access_log and training_results have none.
KEYS: dict[str, str] = {
    "customers": "customer_id", "transactions": "transaction_id", "users": "user_id",
    "backups": "job_id",
}

REQUIRED_TABLES = ("customers",)

# Closed vocabularies: values outside them are bad input.
ENUMS: dict[tuple[str, str], frozenset[str]] = {
    ("users", "status"): frozenset({"active", "disabled"}),
    ("access_log", "action"): frozenset({"read", "write", "export", "delete", "login", "login_failed"}),
    ("backups", "status"): frozenset({"success", "failed", "partial"}),
    ("backups", "kind"): frozenset({"full", "incremental"}),
    ("backups", "location"): frozenset({"onsite", "offsite", "cloud"}),
}
