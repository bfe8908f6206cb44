"""Posture checks: each a small function registered under a stable id (``@check("AC-001")``).

``run_checks(dataset, window_days=90, profile="quarterly")`` runs a profile's checks and returns
findings merged with their catalog metadata (``assessments/controls.yaml``).
"""
from __future__ import annotations

import dataclasses

from ..dataset import Dataset
from ..errors import ContentError
from . import access, backup, data, encryption, privacy, quality, training  # noqa: F401  (registers the checks)
from .base import FAIL, NOT_APPLICABLE, PASS, REGISTRY, CheckContext, Finding, check
from .catalog import CONTENT_DIR, Catalog, Control, Profile, load_catalog, load_profile

__all__ = ["run_checks", "validate_catalog", "Finding", "CheckContext", "check", "REGISTRY", "PASS", "FAIL",
           "NOT_APPLICABLE", "load_catalog", "load_profile", "Catalog", "Control", "Profile", "CONTENT_DIR"]


def validate_catalog(catalog: Catalog) -> None:
    """Every registered check has metadata and every catalog entry has a check."""
    missing = sorted(set(REGISTRY) - set(catalog.controls))
    if missing:
        raise ContentError.of("error.controls.missing", path=CONTENT_DIR / "controls.yaml", ids=", ".join(missing))
    orphan = sorted(set(catalog.controls) - set(REGISTRY))
    if orphan:
        raise ContentError.of("error.controls.orphan", path=CONTENT_DIR / "controls.yaml", id=orphan[0])


def run_checks(dataset: Dataset, *, window_days: int = 90, profile: str = "quarterly",
               catalog: Catalog | None = None) -> list[Finding]:
    """Run the profile's checks on ``dataset``; findings sorted by id, with catalog metadata."""
    cat = catalog or load_catalog()
    validate_catalog(cat)
    prof = load_profile(profile, cat)
    ids = sorted(cat.controls) if prof.checks == "*" else sorted(set(prof.checks))
    ctx = CheckContext(dataset=dataset, window_days=int(window_days))
    out = []
    for cid in ids:
        meta = cat.controls[cid]
        f = REGISTRY[cid](ctx)
        out.append(dataclasses.replace(
            f, domain=meta.domain, title=meta.title, severity=meta.severity,
            weight=float(prof.weights.get(cid, meta.weight)), unit=meta.unit, sensitivity=meta.sensitivity, mappings=meta.mappings,
            rationale=meta.rationale.strip(), remediation=meta.remediation.strip()))
    return out
