"""Shared YAML reading and atomic writing (workbench.files)."""
from __future__ import annotations

import json
import stat

import pytest
from pydantic import BaseModel

from workbench.errors import ContentError, DatasetError
from workbench.files import id_key, load_yaml_mapping, validate_model, write_json_atomic, write_text_atomic


class Item(BaseModel):
    id: str
    size: int


class Doc(BaseModel):
    items: list[Item]


def test_yaml_errors_name_file_line_and_key(tmp_path):
    p = tmp_path / "doc.yaml"
    p.write_text("items: [\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"doc.yaml: line \d+, column \d+: YAML"):
        load_yaml_mapping(p, "doc")
    p.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="expected a mapping at the top level, got list"):
        load_yaml_mapping(p, "doc", DatasetError)
    with pytest.raises(ContentError, match="nope.yaml: doc not found"):
        load_yaml_mapping(tmp_path / "nope.yaml", "doc")
    raw = {"items": [{"id": "a", "size": 1}, {"id": "b", "size": "big"}]}
    with pytest.raises(ContentError, match=r"key 'items\[b\]\.size'"):
        validate_model(raw, Doc, p, "doc", key=id_key)
    with pytest.raises(ContentError, match=r"key 'items\.1\.size'"):
        validate_model(raw, Doc, p, "doc")


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out" / "r.json"
    write_json_atomic(target, {"b": 1, "a": "王"})
    assert target.read_text(encoding="utf-8") == '{\n  "a": "王",\n  "b": 1\n}\n'
    assert stat.S_IMODE(target.stat().st_mode) == 0o644

    class Boom:
        def __str__(self) -> str:
            raise RuntimeError("serialising failed half way")

    with pytest.raises(RuntimeError):
        write_json_atomic(target, {"x": Boom()})
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": "王", "b": 1}  # old content intact
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.json"]
    write_text_atomic(target, "new\n")
    assert target.read_text() == "new\n"
