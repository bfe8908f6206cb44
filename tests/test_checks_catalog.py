"""Catalog invariants: ids, registry <-> controls.yaml, mapping references, remediation, profiles."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from workbench.checks import REGISTRY, load_catalog, load_profile, validate_catalog
from workbench.checks.catalog import CONTENT_DIR, FRAMEWORK_PATTERNS, list_profiles
from workbench.errors import ContentError

CONTROLS = CONTENT_DIR / "controls.yaml"
DESIGN_IDS = {"ENC-001", "ENC-002", "ENC-003", "ENC-004", "PII-001", "AC-001", "AC-002", "AC-003", "AC-004",
              "AC-005", "AC-006", "BK-001", "BK-002", "BK-003", "BK-004", "BK-005", "PRV-001", "PRV-002",
              "PRV-003", "TRN-001"}


def test_ids_unique_in_the_yaml_text():
    ids = re.findall(r"^  ([A-Z]{2,4}-\d{3}):", CONTROLS.read_text(encoding="utf-8"), flags=re.M)
    assert len(ids) == len(set(ids)) == len(load_catalog().controls)


def test_registry_and_catalog_agree_both_ways():
    cat = load_catalog()
    assert set(REGISTRY) == set(cat.controls)
    assert DESIGN_IDS <= set(REGISTRY)
    validate_catalog(cat)


def test_every_mapping_well_formed_and_every_control_actionable():
    for cid, c in load_catalog().controls.items():
        assert c.domain == {"ENC": "encryption", "AC": "access", "BK": "backup", "PRV": "privacy", "PII": "data", "DQ": "data",
                            "TRN": "training"}[cid.split("-")[0]]
        assert len(c.mappings) >= 4, cid
        assert "GDPR" in c.mappings and "ISO27001" in c.mappings and "NIST-CSF" in c.mappings and "CIS" in c.mappings
        for fw, refs in c.mappings.items():
            assert refs, (cid, fw)
            for r in refs:
                assert re.match(FRAMEWORK_PATTERNS[fw], r), (cid, fw, r)
        assert len(c.remediation.split()) >= 10 and len(c.rationale.split()) >= 10, cid


def test_reference_points_of_the_issue():
    m = {k: v.mappings for k, v in load_catalog().controls.items()}
    assert "Art. 32(1)(a)" in m["ENC-002"]["GDPR"] and "A.8.24" in m["ENC-002"]["ISO27001"]
    assert "PR.DS-02" in m["ENC-003"]["NIST-CSF"] and "3.10" in m["ENC-003"]["CIS"]
    assert "6.5" in m["AC-001"]["CIS"] and "5.3" in m["AC-003"]["CIS"] and "6.2" in m["AC-002"]["CIS"]
    assert "3.14" in m["AC-004"]["CIS"] and "DE.CM-03" in m["AC-005"]["NIST-CSF"]
    assert "Art. 32(1)(c)" in m["BK-001"]["GDPR"] and "RC.RP-03" in m["BK-004"]["NIST-CSF"] and "11.5" in m["BK-004"]["CIS"]
    assert "Art. 5(1)(e)" in m["PRV-002"]["GDPR"] and "Art. 19" in m["PRV-002"]["PIPL"] and "3.4" in m["PRV-002"]["CIS"]
    assert "1798.105" in m["PRV-003"]["CCPA"] and "Art. 47" in m["PRV-003"]["PIPL"] and "A.8.10" in m["PRV-003"]["ISO27001"]
    assert {"Art. 6(1)(a)", "Art. 7(1)"} <= set(m["PRV-001"]["GDPR"]) and "Art. 13" in m["PRV-001"]["PIPL"]
    assert "A.6.3" in m["TRN-001"]["ISO27001"] and "PR.AT-01" in m["TRN-001"]["NIST-CSF"] and "14.1" in m["TRN-001"]["CIS"]


def test_profiles_load_and_quarterly_is_everything():
    assert {"quarterly", "access-review"} <= set(list_profiles())
    assert load_profile("quarterly").checks == "*"
    narrow = load_profile("access-review")
    assert set(narrow.checks) < set(REGISTRY)


def _broken(tmp_path: Path, edit) -> Path:
    raw = yaml.safe_load(CONTROLS.read_text(encoding="utf-8"))
    edit(raw)
    p = tmp_path / "controls.yaml"
    p.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return p


@pytest.mark.parametrize("edit, key", [
    (lambda r: r["controls"]["AC-001"].update(severity="urgent"), "controls.AC-001.severity"),
    (lambda r: r["controls"]["ENC-001"]["mappings"].update(ISO27001=["8.24"]), "controls.ENC-001.mappings"),
    (lambda r: r["controls"]["BK-001"]["mappings"].update(CCPA=[1798.15]), "controls.BK-001.mappings"),
    (lambda r: r["controls"]["BK-001"].pop("remediation"), "controls.BK-001.remediation"),
    (lambda r: r["controls"]["TRN-001"].update(unit="people"), "controls.TRN-001.unit"),
])
def test_bad_catalog_names_file_and_key(tmp_path, edit, key):
    with pytest.raises(ContentError) as e:
        load_catalog(_broken(tmp_path, edit))
    assert "controls.yaml" in str(e.value) and key in str(e.value)


def test_catalog_entry_without_check_is_refused(tmp_path):
    def add(r):
        r["controls"]["AC-099"] = dict(r["controls"]["AC-001"])
    with pytest.raises(ContentError, match="AC-099"):
        validate_catalog(load_catalog(_broken(tmp_path, add)))


def test_profile_with_unknown_check_is_refused(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("id: p\ntitle: P\nchecks: [AC-001, XX-001]\n", encoding="utf-8")
    with pytest.raises(ContentError, match="XX-001"):
        load_profile(p)
