"""Scores and the risk register, reproducible by hand from findings.json (docs/scoring.md)."""
from __future__ import annotations

import datetime as dt
import math

import pytest

from workbench.scoring import impact, likelihood, penalty, risk_register, scores


def f(id_, domain, severity, status, affected=0, total=100, weight=1.0, sensitivity="medium"):
    return {"id": id_, "domain": domain, "severity": severity, "status": status, "affected": affected,
            "total": total, "weight": weight, "sensitivity": sensitivity, "title": id_, "unit": "records",
            "remediation": "Fix it."}


def test_hand_computed_example():
    fs = [f("AC-001", "access", "high", "fail", 25, 100),      # 3 × (0.2 + 0.8 × 0.5) = 1.8 lost of 3
          f("AC-002", "access", "medium", "pass"),              # 2 possible
          f("AC-003", "access", "low", "not_applicable"),       # excluded
          f("ENC-001", "encryption", "critical", "fail", 1, 1, weight=1.5)]  # 6 lost of 6
    s = scores(fs)
    assert s["access"] == round(100 * (1 - 1.8 / 5), 1) == 64.0
    assert s["encryption"] == 0.0
    assert s["overall"] == round(100 * (1 - 7.8 / 11), 1)
    assert s["backup"] is None and s["training"] is None


def test_small_share_scores_far_better_than_all_records():
    tiny = scores([f("PRV-002", "privacy", "high", "fail", 1, 10_000)])["privacy"]
    full = scores([f("PRV-002", "privacy", "high", "fail", 10_000, 10_000)])["privacy"]
    assert full == 0.0 and tiny >= 75.0
    assert penalty(f("X", "data", "low", "fail", 1, 10_000)) == pytest.approx(1 * (0.2 + 0.8 * math.sqrt(1e-4)))


def test_unknown_total_counts_as_everything():
    assert penalty(f("X", "data", "high", "fail", 5, None)) == 3.0


def test_register_rows_and_order():
    fs = [f("AC-001", "access", "high", "fail", 25, 100, sensitivity="high"),
          f("BK-001", "backup", "low", "fail", 1, 10_000, sensitivity="low"),
          f("AC-002", "access", "medium", "pass")]
    reg = risk_register(fs, dt.date(2026, 9, 30), {"access": "IAM", "backup": "IT Ops"},
                        {"critical": 14, "high": 30, "medium": 60, "low": 90})
    assert list(reg["id"]) == ["AC-001", "BK-001"]
    r = reg.iloc[0]
    assert (r["likelihood"], r["impact"], r["rating"], r["owner"], r["due_date"]) == (4, 5, 20, "IAM", "2026-10-30")
    r = reg.iloc[1]
    assert (r["likelihood"], r["impact"], r["rating"], r["due_date"]) == (1, 1, 1, "2026-12-29")


@pytest.mark.parametrize("share, expected", [(0.0001, 1), (0.005, 2), (0.05, 3), (0.3, 4), (0.9, 5), (1.0, 5)])
def test_likelihood_buckets(share, expected):
    assert likelihood(f("X", "data", "low", "fail", share * 10_000, 10_000)) == expected


def test_impact_from_severity_and_sensitivity():
    assert impact(f("X", "data", "critical", "fail", sensitivity="high")) == 5
    assert impact(f("X", "data", "medium", "fail", sensitivity="low")) == 2
    assert impact(f("X", "data", "low", "fail", sensitivity="medium")) == 2
