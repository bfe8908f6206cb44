"""``workbench init``: drafts reproduce the committed samples' mappings, real vendor headers map,
encodings are detected, nothing is overwritten."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from workbench.cli import main
from workbench.dataset import load_dataset
from workbench.onboarding import draft_dataset, load_hints, normalise
from workbench.onboarding.draft import Source, _header_matches

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def _copy_without_yaml(sample: str, dest: Path) -> Path:
    dest.mkdir()
    for p in (SAMPLES / sample).iterdir():
        if p.suffix not in (".yaml", ".json", ".md"):
            shutil.copy(p, dest / p.name)
    return dest


def _source(t: dict) -> dict:
    return {k: v for k, v in t.items() if k in ("path", "sql", "table")}


@pytest.mark.parametrize("sample", ["acme_retail", "mini_sqlite"])
def test_init_reproduces_the_sample_mappings_and_validates(tmp_path: Path, sample: str, capsys) -> None:
    folder = _copy_without_yaml(sample, tmp_path / sample)
    assert main(["init", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "customers" in out and "wrote" in out
    draft = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    truth = yaml.safe_load((SAMPLES / sample / "dataset.yaml").read_text(encoding="utf-8"))
    assert {t: _source(s) for t, s in draft["tables"].items()} == {t: _source(s) for t, s in truth["tables"].items()}
    assert draft.get("columns", {}) == truth.get("columns", {})
    ds = load_dataset(folder)                     # validate passes on the draft
    assert len(ds.tables["customers"]) == len(load_dataset(SAMPLES / sample).tables["customers"])
    assert main(["validate", str(folder)]) == 0
    assert (folder / "permissions.yaml").is_file() and (folder / "posture.yaml").is_file()


def test_init_never_overwrites(tmp_path: Path, capsys) -> None:
    folder = _copy_without_yaml("acme_retail", tmp_path / "a")
    (folder / "posture.yaml").write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "posture.yaml already exists" in err and "Traceback" not in err
    assert not (folder / "dataset.yaml").exists()
    assert (folder / "posture.yaml").read_text(encoding="utf-8") == "# mine\n"


def test_chinese_gb18030_export_with_chinese_headers(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "cn"
    folder.mkdir()
    df = pd.DataFrame({
        "客户编号": [f"K{i:04d}" for i in range(40)],
        "姓名": ["王伟", "李娜", "张敏", "刘洋"] * 10,
        "联系电话": [f"138{i:08d}" for i in range(40)],
        "邮箱": [f"user{i}@example.cn" for i in range(40)],
        "地址": ["北京市朝阳区建国路88号"] * 40,
        "备注": ["客户希望晚上联系，并询问会员积分规则。"] * 40,
    })
    (folder / "客户导出.csv").write_bytes(df.to_csv(index=False).encode("gb18030"))
    assert main(["init", str(folder), "--out", str(tmp_path / "draft")]) == 0
    capsys.readouterr()
    draft = yaml.safe_load((tmp_path / "draft" / "dataset.yaml").read_text(encoding="utf-8"))
    assert draft["tables"]["customers"]["encoding"] == "gb18030"
    assert draft["tables"]["customers"]["path"] == "../cn/客户导出.csv"
    assert draft["columns"]["customers"] == {"customer_id": "客户编号", "full_name": "姓名", "phone": "联系电话",
                                             "email": "邮箱", "address": "地址", "notes": "备注"}
    ds = load_dataset(tmp_path / "draft")
    assert ds.tables["customers"]["phone"].iloc[0] == "13800000000"


@pytest.mark.parametrize("headers,expected", [
    # HubSpot contacts export
    (["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Street Address", "City", "State/Region",
      "Country/Region", "Create Date", "Last Activity Date"],
     {"customer_id": "Record ID", "email": "Email", "phone": "Phone Number", "address": "Street Address", "city": "City",
      "state": "State/Region", "country": "Country/Region", "created_at": "Create Date",
      "last_activity_at": "Last Activity Date"}),
    # Dynamics 365 contact entity
    (["contactid", "fullname", "emailaddress1", "telephone1", "address1_line1", "address1_city", "address1_country",
      "birthdate", "createdon", "description"],
     {"customer_id": "contactid", "full_name": "fullname", "email": "emailaddress1", "phone": "telephone1",
      "address": "address1_line1", "city": "address1_city", "country": "address1_country", "birth_date": "birthdate",
      "created_at": "createdon", "notes": "description"}),
    # Zoho CRM contacts
    (["Contact Id", "Full Name", "Email", "Mobile", "Mailing Street", "Mailing City", "Mailing Country",
      "Date of Birth", "Created Time", "Description"],
     {"customer_id": "Contact Id", "full_name": "Full Name", "email": "Email", "phone": "Mobile",
      "address": "Mailing Street", "city": "Mailing City", "country": "Mailing Country",
      "birth_date": "Date of Birth", "created_at": "Created Time", "notes": "Description"}),
    # German / French / Spanish exports
    (["Kundennummer", "E-Mail", "Telefon", "Straße", "Ort", "Geburtsdatum"],
     {"customer_id": "Kundennummer", "email": "E-Mail", "phone": "Telefon", "address": "Straße", "city": "Ort",
      "birth_date": "Geburtsdatum"}),
    (["numero_client", "courriel", "téléphone", "adresse", "ville", "date_de_naissance"],
     {"customer_id": "numero_client", "email": "courriel", "phone": "téléphone", "address": "adresse",
      "city": "ville", "birth_date": "date_de_naissance"}),
])
def test_vendor_headers_map(headers: list[str], expected: dict[str, str]) -> None:
    src = Source("x.csv", "csv", Path("x.csv"), pd.DataFrame(columns=headers))
    assert _header_matches(src, "customers", load_hints()) == expected


def test_content_decides_where_no_header_hint_exists(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    pd.DataFrame({"customer_id": [f"C{i}" for i in range(30)],
                  "Field7": [f"p{i}@example.com" for i in range(30)],
                  "Field8": [f"+44 20 7946 {i:04d}" for i in range(30)]}).to_csv(folder / "customers.csv", index=False)
    d = draft_dataset(folder)
    assert d.columns["customers"]["email"] == "Field7" and d.columns["customers"]["phone"] == "Field8"
    assert any(g.column == "email" and g.evidence.startswith("content: 100%") for g in d.guesses)


def test_no_customers_file_is_bad_input(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "random.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["init", str(folder)]) == 2
    assert "customers" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["random.csv"]


def test_normalise() -> None:
    assert [normalise(h) for h in ["Email__c", "MailingStreet", "Phone Number", "联系电话", "HasOptedIn__c", "address1_line1"]] \
        == ["email", "mailing_street", "phone_number", "联系电话", "has_opted_in", "address1_line1"]


def test_header_hints_name_only_canonical_tables_and_columns() -> None:
    from workbench.schema import CANONICAL

    hints = load_hints()
    assert "customers" in hints.tables
    for t, th in hints.tables.items():
        if t not in CANONICAL:       # a table the dataset contract adds later (training_results) is allowed
            assert t == "training_results", t
            continue
        assert set(th.columns) <= set(CANONICAL[t]), (t, set(th.columns) - set(CANONICAL[t]))
        assert th.names


def test_bad_header_hints_file_names_the_key(tmp_path: Path) -> None:
    from workbench.errors import ContentError

    bad = tmp_path / "headers.yaml"
    bad.write_text("tables:\n  customers:\n    columns: {email: [mail]}\n    colour: red\n", encoding="utf-8")
    with pytest.raises(ContentError) as e:
        load_hints(str(bad))
    assert "headers.yaml" in str(e.value) and "colour" in str(e.value)
