"""DPIA risks: severity and likelihood on the CNIL scale derived from hand-made findings and
simulation results, before and after the planned measures; overrides need a reason."""
from __future__ import annotations

import pytest
import yaml

from workbench.dpia import load_answers, load_content
from workbench.dpia.answers import Answers, AnswersFile
from workbench.dpia.evidence import Evidence
from workbench.dpia.risks import assess_risks
from workbench.errors import InputError

CHECKS = ["ENC-001", "ENC-002", "ENC-003", "ENC-004", "PII-001", "AC-001", "AC-002", "AC-003", "AC-004", "AC-005",
          "AC-006", "AC-007", "BK-001", "BK-002", "BK-003", "BK-004", "BK-005", "BK-006", "PRV-001", "PRV-002",
          "PRV-003", "TRN-001"]
SEVERITY = {"ENC-001": "critical", "AC-001": "high", "BK-003": "high", "BK-001": "medium", "BK-004": "medium",
            "AC-003": "medium", "PII-001": "high"}


def finding(cid: str, status: str) -> dict:
    return {"id": cid, "status": status, "severity": SEVERITY.get(cid, "medium"), "title": f"title of {cid}",
            "affected": 1 if status == "fail" else 0, "total": 10, "unit": "records"}


def scenario(sid: str, events: float, records: int = 100, sensitive: list[str] | None = None, mean: float = 1000.0) -> dict:
    return {"id": sid, "loss_events_per_year": events, "loss": {"mean": mean},
            "exposure": {"records": records, "sensitive_fields": sensitive or []}}


def evidence(failing: dict[str, str] | None = None, scenarios: list[dict] | None = None, *, tables=("customers", "backups"),
             personal: bool = True, what_if: list[dict] | None = None, planned: list[str] | None = None) -> Evidence:
    failing = failing or {}
    findings = [finding(c, failing.get(c, "pass")) for c in CHECKS]
    record = [{"table": t, "records": 10, "categories": ["email"] if personal and t == "customers" else []} for t in tables]
    register = [{"id": c, "title": f"title of {c}", "owner": "o", "due_date": "2026-12-31", "remediation": "fix", "rating": 9}
                for c in (planned if planned is not None else [c for c, s in failing.items() if s == "fail"])]
    return Evidence(dataset="hand-made", as_of="2026-09-30", inventory={"processing_record": record, "inventory": [], "free_text": []},
                    findings={"findings": findings}, simulation={"scenarios": scenarios or [], "what_if": what_if or []},
                    register=register, facts={})


def risk(ev: Evidence, rid: str, answers: Answers | None = None) -> dict:
    return next(r for r in assess_risks(ev, load_content(), answers or Answers()) if r["id"] == rid)


def test_clean_posture_and_rare_events_give_low_levels():
    ev = evidence(scenarios=[scenario("stolen-credentials", 0.01)])
    r = risk(ev, "illegitimate_access")
    assert (r["severity"], r["likelihood"]) == (2, 1)
    assert r["origin"]["severity"] == "evidence" and r["evidence"]["scenarios"] == ["stolen-credentials"]
    assert any("level 1" in s for s in r["derivation"]["likelihood"])


def test_illegitimate_access_from_failing_checks_sensitive_exposure_and_scale():
    # ENC-001 critical (4) + AC-001 high (3) = 7 points -> controls level 3; 0.3 events/yr -> level 3
    ev = evidence({"ENC-001": "fail", "AC-001": "fail"},
                  [scenario("stolen-credentials", 0.2, 6000, ["national_id"]), scenario("insider-bulk-export", 0.1, 100)],
                  what_if=[{"control": "x", "by_scenario": {"stolen-credentials": 500.0, "insider-bulk-export": 500.0}}])
    r = risk(ev, "illegitimate_access")
    assert r["severity"] == 4  # 2 + sensitive fields + 6,000 records >= 5,000 (large scale)
    assert r["likelihood"] == 3  # ceil((3 + 3) / 2)
    assert r["inputs"]["before"]["check_points"] == 7 and r["inputs"]["before"]["events_per_year"] == pytest.approx(0.3)
    # the plan fixes ENC-001 (sensitive fields no longer exposed) and halves both scenarios' loss
    assert r["severity_after"] == 3
    assert r["inputs"]["after"]["events_per_year"] == pytest.approx(0.15)
    assert r["likelihood_after"] == 2  # ceil((1 + 2) / 2)
    assert r["evidence"]["failing_checks"] == ["ENC-001", "AC-001"]
    assert [m["id"] for m in r["measures"]["planned"]] == ["ENC-001", "AC-001"]
    assert "ENC-003" in [m["id"] for m in r["measures"]["existing"]]


def test_unwanted_modification_rises_with_financial_records():
    base = evidence({"AC-003": "fail"}, [scenario("integration-key-leak", 1.5)])
    r = risk(base, "unwanted_modification")
    assert r["severity"] == 3  # PRV-001 is assessed: consent records can be altered
    assert r["likelihood"] == 3  # AC-003 medium 2 points -> level 2; 1.5 events/yr -> level 4; ceil(3)
    ev = evidence({}, [scenario("integration-key-leak", 0.0)])
    for f in ev.findings["findings"]:
        if f["id"] == "PRV-001":
            f["status"] = "not_applicable"
    assert risk(ev, "unwanted_modification")["severity"] == 2


@pytest.mark.parametrize("failing, severity, likelihood", [
    ({}, 2, 2),                                                        # 0 points -> 1; 0.05 events/yr -> 2; ceil(1.5)
    ({"BK-003": "fail"}, 3, 2),                                        # no immutable copy; 3 points -> level 2
    ({"BK-003": "fail", "BK-001": "fail", "BK-004": "fail"}, 4, 3),    # 7 points -> level 3; ceil((3 + 2) / 2)
])
def test_disappearance_from_backup_findings(failing, severity, likelihood):
    ev = evidence(failing, [scenario("ransomware-crm-db", 0.05)])
    r = risk(ev, "disappearance")
    assert (r["severity"], r["likelihood"]) == (severity, likelihood)
    if failing:
        assert r["severity_after"] == 2 and r["likelihood_after"] <= likelihood


def test_absent_backup_table_counts_as_unverified_not_as_fine():
    ev = evidence({c: "not_applicable" for c in CHECKS if c.startswith("BK")}, [scenario("ransomware-crm-db", 0.05)],
                  tables=("customers",), planned=[])
    r = risk(ev, "disappearance")
    assert r["severity"] == 4 and r["severity_after"] == 4  # nothing planned: no reduction
    assert set(r["evidence"]["failing_checks"]) == {"BK-001", "BK-002", "BK-003", "BK-004", "BK-006"}


def test_no_personal_data_is_negligible():
    ev = evidence(scenarios=[scenario("ransomware-crm-db", 0.05)], personal=False)
    assert all(r["severity"] == 1 for r in assess_risks(ev, load_content(), Answers()))


def _answers(tmp_path, entries: dict) -> Answers:
    p = tmp_path / "answers.yaml"
    p.write_text(yaml.safe_dump({"format": "workbench-dpia-answers/1", "answers": entries}))
    return load_answers(p)


def test_override_needs_a_reason(tmp_path):
    ev = evidence({"BK-003": "fail"}, [scenario("ransomware-crm-db", 0.05)])
    bad = _answers(tmp_path, {"risks.disappearance.severity": {"value": 1}})
    with pytest.raises(InputError, match=r"answers.yaml: answer 'risks.disappearance.severity': overrides .* without a reason"):
        risk(ev, "disappearance", bad)
    good = _answers(tmp_path, {"risks.disappearance.severity": {"value": 2, "reason": "tape copies kept in a vault"}})
    r = risk(ev, "disappearance", good)
    assert r["severity"] == 2 and r["derived"]["severity"] == 3 and r["origin"]["severity"] == "override"
    assert r["overrides"] == [{"field": "severity", "derived": 3, "value": 2, "reason": "tape copies kept in a vault"}]
    same = _answers(tmp_path, {"risks.disappearance.severity": {"value": 3}})  # equal to derived: a confirmation
    assert risk(ev, "disappearance", same)["origin"]["severity"] == "confirmed"


@pytest.mark.parametrize("entries, message", [
    ({"risks.disappearance.severity": {"value": 5, "reason": "x"}}, "CNIL level"),
    ({"screening.large_scale": {"value": "yes"}}, "true or false"),
    ({"no.such_question": {"value": "x"}}, "no such question"),
    ({"validation.status": {"value": "validated"}}, "validation.dpo_opinion"),
])
def test_bad_answers_are_input_errors(tmp_path, entries, message):
    with pytest.raises(InputError, match=message):
        _answers(tmp_path, entries)


def test_answers_model_defaults():
    assert Answers(AnswersFile()).status == "draft" and Answers().version == 0
