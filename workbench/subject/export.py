"""The access package (GDPR Arts. 15 and 20, PIPL Art. 45, CCPA right to know): the person's rows
from every table as JSON and CSV, and an HTML summary in their language explaining purposes,
recipients and retention from ``dataset.yaml``'s ``processing:`` section.

This is the one output of the project that holds raw personal data, by design. Every file is
created 0600 (``os.open`` with mode 0o600, then ``fchmod``) as a temporary file in the target
folder and renamed into place; the folder itself is created 0700, must be new or empty, and a
package that fails half-way is removed again (only the files this run created).

Rows of *other* customers that mention the person (a note about them) are not theirs: the
package holds only the key of such a row and the mentioning text.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import DatasetConfig, Processing, read_yaml
from ..errors import InputError
from .find import Finding, TableMatch, subject_rows
from .text import html_page, localised, messages

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
_NUMBERISH = re.compile(r"^[+-]?[0-9 ()./-]+$")


def processing_of(ds: Any) -> Processing:
    """The ``processing:`` section of the dataset's ``dataset.yaml`` (empty when absent)."""
    cfg = read_yaml(Path(ds.root) / "dataset.yaml", DatasetConfig, "dataset.yaml")
    return cfg.processing or Processing()


def prepare_folder(out: str | Path) -> Path:
    """``out`` created 0700 if absent; refused (exit 2) when it is a file or holds anything."""
    p = Path(out)
    if p.exists() and not p.is_dir():
        raise InputError.of("error.subject.out_file", path=p)
    if p.is_dir() and any(p.iterdir()):
        raise InputError.of("error.subject.out_not_empty", path=p)
    p.mkdir(mode=0o700, parents=True, exist_ok=True)
    return p


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` readable by its owner only (0600), atomically (temp + rename)."""
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _plain(v: Any) -> Any:
    if v is None or (not isinstance(v, (list, dict, str)) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def collect(ds: Any, finding: Finding) -> tuple[dict[str, list[dict]], list[dict]]:
    """(rows by table, mentions): the person's own rows whole; of another person's row that
    mentions them, the row's key and the mentioning column only."""
    own: dict[str, list[dict]] = {}
    mentions: list[dict] = []
    for tm in finding.hits():
        data_cols = [c for c in ds.columns[tm.table] if (tm.table, c) != ("customers", "jurisdiction")]
        for df in subject_rows(ds, finding, tm):
            for rec in df.to_dict("records"):
                if rec["__kind"] == "mention":
                    mentions += [{"table": tm.table, "key_column": tm.key_column,
                                  "key": _plain(rec[tm.key_column]) if tm.key_column else None,
                                  "column": c, "text": _plain(rec[c])} for c in tm.mentions if rec.get(f"__m_{c}")]
                else:
                    own.setdefault(tm.table, []).append({c: _plain(rec[c]) for c in data_cols})
    return own, mentions


def _csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            # a cell starting with = + - @ is a formula to a spreadsheet: neutralised with a quote
            w.writerow({k: ("'" + v if _formula(v) else v) for k, v in r.items()})
    return buf.getvalue().encode("utf-8-sig")


def _formula(v: Any) -> bool:
    """A text a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``@SUM``); a phone number
    such as ``+49 30 1234567`` is left as it is."""
    return isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBERISH.match(v)


def file_names(tables: list[str]) -> dict[str, str]:
    """A safe, unique CSV file name per table (table names come from the export: hostile)."""
    out: dict[str, str] = {}
    used = {"data", "mentions", "summary"}
    for i, t in enumerate(tables):
        base = _SAFE.sub("_", t).strip("_")[:60] or f"table_{i + 1}"
        name = base
        while name.lower() in used:
            name = f"{base}_{i + 1}"
        used.add(name.lower())
        out[t] = f"{name}.csv"
    return out


def person_language(ds: Any, finding: Finding) -> str:
    """``zh`` when the customer records found are in China, else ``en``."""
    if not finding.customer_ids or "country" not in ds.columns.get("customers", []):
        return "en"
    from ..engine import lit

    ids = ", ".join(lit(i) for i in finding.customer_ids[:100])
    df = ds.sql(f"SELECT upper(trim(CAST(country AS VARCHAR))) AS c, count(*) AS n FROM customers "
                f"WHERE CAST(customer_id AS VARCHAR) IN ({ids}) GROUP BY 1 ORDER BY 2 DESC, 1")
    return "zh" if len(df) and str(df["c"].iloc[0]) == "CN" else "en"


def write_access_package(ds: Any, finding: Finding, out: str | Path, lang: str | None = None) -> list[Path]:
    """Write the access package into ``out`` (new or empty) and return the files written."""
    processing = processing_of(ds)
    folder = prepare_folder(out)
    lang = lang or person_language(ds, finding)
    msgs = messages(lang)
    own, found = collect(ds, finding)
    # whose row mentions the person is another person's data (GDPR Art. 15(4)): table, column, text only
    mentions = [{k: m[k] for k in ("table", "column", "text")} for m in found]
    names = file_names(sorted(own))
    with all_or_nothing() as written:
        doc = {"dataset": finding.dataset, "as_of": finding.as_of,
               "request": {"kind": finding.selector.kind, "value": finding.selector.raw.strip()},
               "tables": {t: own[t] for t in sorted(own)}, "mentions": mentions,
               "processing": processing.model_dump(mode="json", exclude={"legal_holds"})}
        body = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n"
        written.append(write_private(folder / "data.json", body.encode("utf-8")))
        for t in sorted(own):
            written.append(write_private(folder / names[t], _csv(own[t])))
        if mentions:
            written.append(write_private(folder / "mentions.csv", _csv(mentions)))
        page = summary_html(ds, finding, processing, msgs, lang, len(mentions))
        written.append(write_private(folder / "summary.html", page.encode("utf-8")))
    return written


@contextmanager
def all_or_nothing() -> Iterator[list[Path]]:
    """The list a writer appends each file it wrote to; on any failure those files are removed,
    so a request's folder never holds half a package or half a plan."""
    written: list[Path] = []
    try:
        yield written
    except BaseException:
        for p in written:
            p.unlink(missing_ok=True)
        raise


def summary_html(ds: Any, finding: Finding, processing: Processing, msgs: dict[str, str], lang: str,
                 n_mentions: int) -> str:
    """The summary page: every value escaped (``boundary.escape``), no script, a strict CSP."""
    from ..boundary import escape as e

    org = getattr(ds.organisation, "name", "") or ds.name
    sel = finding.selector.raw.strip()
    rows = []
    for tm in finding.hits():
        if not tm.rows - tm.by_kind.get("mention", 0):
            continue
        cats = ", ".join(msgs.get(f"cat_{c}", c) for c in tm.categories)
        period = " – ".join(dict.fromkeys(d for d in (tm.oldest, tm.newest) if d))
        rows.append(f"<tr><td>{e(tm.table)}</td><td>{tm.rows - tm.by_kind.get('mention', 0)}</td>"
                    f"<td>{e(cats)}</td><td>{e(period)}</td></tr>")

    def items(values: list[str]) -> str:
        if not values:
            return f"<p>{e(msgs['none_declared'])}</p>"
        return "<ul>" + "".join(f"<li>{e(v)}</li>" for v in values) + "</ul>"

    retention = [msgs["retention_rule"].format(table=r.table, days=r.days, basis=localised(r.basis, lang))
                 for r in processing.retention]
    retention.append(msgs["retention_default"])
    if processing.backup_retention_days is not None:
        retention.append(msgs["backups"].format(days=processing.backup_retention_days))
    parts = [
        f"<h1>{e(msgs['title'].format(org=org))}</h1>",
        f"<p class='notice'>{e(msgs['raw_notice'])}</p>",
        f"<p>{e(msgs['intro'].format(org=org, selector=sel, as_of=finding.as_of))}</p>",
        f"<h2>{e(msgs['held'])}</h2>",
        f"<table><thead><tr><th>{e(msgs['table'])}</th><th>{e(msgs['rows'])}</th><th>{e(msgs['categories'])}</th>"
        f"<th>{e(msgs['period'])}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>",
    ]
    if n_mentions:
        parts += [f"<h2>{e(msgs['mentions'])}</h2>", f"<p>{e(msgs['mentions_text'].format(n=n_mentions))}</p>"]
    parts += [
        f"<h2>{e(msgs['purposes'])}</h2>", items([localised(p, lang) for p in processing.purposes]),
        f"<h2>{e(msgs['recipients'])}</h2>", items([localised(r, lang) for r in processing.recipients]),
        f"<h2>{e(msgs['retention'])}</h2>", items(retention),
        f"<h2>{e(msgs['rights'])}</h2>", f"<p>{e(msgs['rights_text'])}</p>",
        f"<h2>{e(msgs['files'])}</h2>", f"<p>{e(msgs['files_text'])}</p>",
    ]
    return html_page(msgs["title"].format(org=org), lang, "\n".join(parts))


__all__ = ["all_or_nothing", "collect", "file_names", "person_language", "prepare_folder", "processing_of",
           "summary_html", "write_access_package", "write_private", "TableMatch"]
