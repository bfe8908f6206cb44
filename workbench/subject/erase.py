"""The erasure plan (GDPR Art. 17, PIPL Art. 47, CCPA right to delete): what erasing one person
would touch, what must be kept and why, and SQL an operator can review. It never changes the export.

* **touch** — per table, the person's rows (and the notes of others that mention them) and the
  columns holding values;
* **keep** — rows under a retention rule (``processing.retention`` in ``dataset.yaml``: rows younger
  than ``days`` by their record date) or a legal hold (``processing.legal_holds``);
* **backups** — backup jobs of the systems storing those tables (``posture.yaml``) still within
  ``processing.backup_retention_days``: they cannot be edited; the copies expire, and a restore
  must be followed by erasing again;
* **logs** — access-log events that read or exported those tables since the person's oldest
  record (exports are copies outside the CRM to follow up); the log itself is kept as security
  evidence;
* **SQL** — ``DELETE`` by key and ``UPDATE ... replace(...)`` for mentions, with every value a
  quoted SQL string literal (``'`` doubled; nothing concatenated unquoted), against the source
  table and column names of ``dataset.yaml``. Written 0600: it holds the identifiers.

The plan (JSON and Markdown) is masked like every other output.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..boundary import safe_message
from ..config import DatasetConfig, Processing, read_yaml
from ..engine import lit, q
from ..errors import DatasetError
from ..files import write_json_atomic, write_text_atomic
from ..masking import mask
from .export import all_or_nothing, prepare_folder, write_private
from .find import Finding, TableMatch

CHUNK = 500  # keys per DELETE statement
ERASED = "[erased]"


def _config(ds: Any) -> DatasetConfig:
    return read_yaml(Path(ds.root) / "dataset.yaml", DatasetConfig, "dataset.yaml")


def _record_date(ds: Any, table: str) -> str | None:
    cols = ds.columns[table]
    for c in ("created_at", "timestamp", "started_at", "completed_at"):
        if c in cols:
            return c
    return next((c for c in cols if ds.column_types(table).get(c, "").startswith(("TIMESTAMP", "DATE"))
                 and "birth" not in c.lower()), None)


def _basis(rule: Any) -> str:
    from .text import localised

    return localised(rule.basis, "en")


def _holds(processing: Processing, finding: Finding, table: str, as_of: dt.date) -> list[str]:
    out = []
    for h in processing.legal_holds:
        if h.until is not None and h.until < as_of:
            continue
        if h.tables and table not in h.tables:
            continue
        if h.customer_ids and not set(h.customer_ids) & set(finding.customer_ids):
            continue
        out.append(h.reason + (f" (until {h.until})" if h.until else ""))
    return out


class _Names:
    """Source table and column names (``dataset.yaml``), quoted for SQL."""

    def __init__(self, cfg: DatasetConfig) -> None:
        self.cfg = cfg

    def table(self, t: str) -> str:
        src = self.cfg.tables.get(t)
        return q(src.table) if src is not None and src.table else q(t)

    def column(self, t: str, c: str) -> str:
        return q(self.cfg.columns.get(t, {}).get(c, c))

    def origin(self, t: str) -> str:
        src = self.cfg.tables.get(t)
        if src is None:
            return t
        where = src.path or src.table or src.spark_table or "a query"
        return f"{t} <- {where}"


def _keys(ds: Any, tm: TableMatch, date_col: str | None) -> list[tuple[str, Any]]:
    """(key, record date) of the person's own rows (mentions excluded)."""
    own = " OR ".join(f"({c})" for c in (tm.direct, tm.key) if c)
    if not own or not tm.key_column:
        return []
    d = f"CAST({q(date_col)} AS TIMESTAMP)" if date_col else "CAST(NULL AS TIMESTAMP)"
    df = ds.sql(f"SELECT CAST({q(tm.key_column)} AS VARCHAR) AS k, {d} AS d FROM {q(tm.table)} WHERE {own} ORDER BY 1")
    return list(zip(df["k"].astype(str), df["d"]))


def _unkeyed_where(ds: Any, finding: Finding, tm: TableMatch, names: _Names) -> str | None:
    """Source-level condition for the person's rows of a table without a key: the customer ids or
    the values found, each a quoted literal."""
    parts = []
    if tm.key:
        ids = ", ".join(lit(i) for i in finding.customer_ids)
        parts += [f"{names.column(tm.table, c)} IN ({ids})" for c in ds.columns[tm.table] if c == "customer_id"]
        parts += [f"{names.column(tm.table, c)} IN ({', '.join(lit(v) for v in vals)})" for c, vals in tm.links]
    sel = finding.selector
    for c in finding.columns.columns_for(sel.category, tm.table) if sel.category else []:
        vals = ds.sql(f"SELECT DISTINCT CAST({q(c)} AS VARCHAR) AS v FROM {q(tm.table)} WHERE {sel.column_match(q(c))} ORDER BY 1")
        if len(vals):
            parts.append(f"{names.column(tm.table, c)} IN ({', '.join(lit(v) for v in vals['v'])})")
    return " OR ".join(parts) or None


def build_plan(ds: Any, finding: Finding) -> tuple[dict[str, Any], str]:
    """(masked plan, SQL text) for erasing the person ``finding`` found."""
    cfg = _config(ds)
    processing = cfg.processing or Processing()
    for r in processing.retention:
        if r.table not in ds.columns:
            raise DatasetError.of("error.subject.retention_table", path=ds.root / "dataset.yaml", table=r.table,
                                  known=", ".join(sorted(ds.columns)))
    names = _Names(cfg)
    as_of = dt.date.fromisoformat(finding.as_of)
    sql = ["-- Erasure of one data subject: REVIEW BEFORE RUNNING. Generated by workbench subject erase-plan.",
           f"-- Dataset: {safe_message(finding.dataset)} (as of {finding.as_of}). Nothing has been changed.",
           "-- Values are standard SQL string literals (quote doubled). On MySQL set NO_BACKSLASH_ESCAPES first.",
           "BEGIN;"]
    touch, keep = [], []
    for tm in finding.hits():
        own_rows = tm.rows - tm.by_kind.get("mention", 0)
        held = _holds(processing, finding, tm.table, as_of)
        rule = next((r for r in processing.retention if r.table == tm.table), None)
        date_col = _record_date(ds, tm.table)
        entry = {"table": tm.table, "source": safe_message(names.origin(tm.table)), "rows": own_rows,
                 "mentions": dict(tm.mention_rows), "categories": tm.categories}
        sql.append(f"\n-- {safe_message(names.origin(tm.table))}")
        if held:
            keep.append({"table": tm.table, "rows": tm.rows, "why": "legal hold", "basis": [safe_message(h) for h in held]})
            sql.append(f"-- kept under legal hold: {safe_message('; '.join(held))}")
            touch.append({**entry, "action": "keep (legal hold)"})
            continue
        if own_rows:
            kept, delete, action = _own_rows(ds, finding, tm, rule, date_col, as_of, names, sql)
            if kept:
                keep.append(kept)
            entry.update(action=action, delete=delete)
        for column, n in tm.mention_rows.items():
            sql += _mention_sql(ds, finding, tm, column, names)
        touch.append(entry)
    sql.append("\nCOMMIT;")
    plan = {
        "dataset": finding.dataset, "as_of": finding.as_of,
        "selector": {"kind": finding.selector.kind, "value": finding.selector.masked()},
        "customer_records": [mask(c, "customer_id") for c in finding.customer_ids],
        "changes_export": False,
        "touch": touch, "keep": keep,
        "backups": _backups(ds, finding, processing, as_of),
        "logs": _logs(ds, finding),
        "notify_recipients": [r if isinstance(r, str) else r.get("en", next(iter(r.values()), "")) for r in processing.recipients],
    }
    return plan, "\n".join(sql) + "\n"


def _own_rows(ds: Any, finding: Finding, tm: TableMatch, rule: Any, date_col: str | None, as_of: dt.date,
              names: _Names, sql: list[str]) -> tuple[dict | None, int, str]:
    """SQL for the person's own rows of one table; returns (what is kept, rows deleted, action)."""
    t = tm.table
    own_rows = tm.rows - tm.by_kind.get("mention", 0)
    if not tm.key_column:
        where = _unkeyed_where(ds, finding, tm, names)
        if where is None:
            sql.append("-- no key to address these rows by: erase them in the source system by hand")
            return None, 0, "by hand (no key)"
        if rule is not None and date_col:
            cutoff = as_of - dt.timedelta(days=rule.days)
            sql.append(f"-- rows younger than {rule.days} days are kept: {safe_message(_basis(rule))}")
            sql.append(f"DELETE FROM {names.table(t)} WHERE ({where}) AND {names.column(t, date_col)} < {lit(cutoff.isoformat())};")
            return {"table": t, "rows": None, "why": "retention", "basis": [safe_message(_basis(rule))]}, 0, "delete older rows"
        sql.append(f"DELETE FROM {names.table(t)} WHERE {where};")
        return None, own_rows, "delete"
    keys = _keys(ds, tm, date_col)
    keep_keys: list[str] = []
    until: dt.date | None = None
    if rule is not None:
        for k, d in keys:
            day = None if d is None or d != d else d.date()
            if day is None or day > as_of - dt.timedelta(days=rule.days):
                keep_keys.append(k)
                end = (day or as_of) + dt.timedelta(days=rule.days)
                until = max(until or end, end)
    gone = [k for k, _ in keys if k not in set(keep_keys)]
    key = names.column(t, tm.key_column)
    for i in range(0, len(gone), CHUNK):
        sql.append(f"DELETE FROM {names.table(t)} WHERE {key} IN ({', '.join(lit(k) for k in gone[i:i + CHUNK])});")
    kept = None
    if keep_keys:
        clear = [c for c in ds.columns[t] if rule.columns and c not in rule.columns and c != tm.key_column
                 and (t, c) != ("customers", "jurisdiction")]
        sql.append(f"-- {len(keep_keys)} row(s) kept until {until}: {safe_message(_basis(rule))}")
        if clear:
            sets = ", ".join(f"{names.column(t, c)} = NULL" for c in clear)
            for i in range(0, len(keep_keys), CHUNK):
                sql.append(f"UPDATE {names.table(t)} SET {sets} WHERE {key} IN "
                           f"({', '.join(lit(k) for k in keep_keys[i:i + CHUNK])});")
        kept = {"table": t, "rows": len(keep_keys), "why": "retention", "until": str(until),
                "basis": [safe_message(_basis(rule))], "columns_kept": rule.columns or "all"}
    action = "delete" if not keep_keys else ("keep (retention)" if not gone else "delete older, keep the rest")
    return kept, len(gone), action


def _mention_sql(ds: Any, finding: Finding, tm: TableMatch, column: str, names: _Names) -> list[str]:
    """``UPDATE`` statements replacing each mention in another person's text by ``[erased]``."""
    if not tm.key_column:
        return [f"-- {tm.mention_rows[column]} mention(s) in {safe_message(column)}: no key; edit them by hand"]
    df = ds.sql(f"SELECT CAST({q(tm.key_column)} AS VARCHAR) AS k, CAST({q(column)} AS VARCHAR) AS v "
                f"FROM {q(tm.table)} WHERE {tm.mentions[column]} ORDER BY 1")
    out = [f"-- {len(df)} mention(s) in {safe_message(column)} of other records: the mention is replaced, the note stays"]
    col, key = names.column(tm.table, column), names.column(tm.table, tm.key_column)
    for k, text in zip(df["k"], df["v"]):
        for m in finding.selector.mentioned(str(text)):
            out.append(f"UPDATE {names.table(tm.table)} SET {col} = replace({col}, {lit(m)}, {lit(ERASED)}) "
                       f"WHERE {key} = {lit(k)};")
    return out


def _stores(ds: Any, tables: set[str]) -> list[str]:
    posture = getattr(ds, "posture", None)
    if posture is None:
        return []
    return sorted(s.name for s in posture.systems if tables & set(s.stores))


def _backups(ds: Any, finding: Finding, processing: Processing, as_of: dt.date) -> dict[str, Any]:
    tables = {t.table for t in finding.hits()}
    systems = _stores(ds, tables)
    days = processing.backup_retention_days
    out: dict[str, Any] = {"systems": systems, "retention_days": days, "jobs": []}
    if not systems or not ds.has("backups", "system", "started_at"):
        out["note"] = "no backup jobs in the export for the systems holding these tables"
        return out
    since = "" if days is None else f" AND CAST(started_at AS DATE) >= DATE {lit((as_of - dt.timedelta(days=days)).isoformat())}"
    status = " AND status = 'success'" if "status" in ds.columns["backups"] else ""
    df = ds.sql(f"SELECT system, count(*) AS n, min(started_at) AS first, max(started_at) AS last FROM backups "
                f"WHERE system IN ({', '.join(lit(s) for s in systems)}){status}{since} GROUP BY system ORDER BY system")
    for _, r in df.iterrows():
        last = r["last"].date() if hasattr(r["last"], "date") else None
        out["jobs"].append({"system": safe_message(r["system"]), "copies": int(r["n"]),
                            "oldest": str(r["first"])[:10], "newest": str(r["last"])[:10],
                            "expire_by": str(last + dt.timedelta(days=days)) if days is not None and last else None})
    out["action"] = ("backup copies cannot be edited: keep them out of use, erase again after any restore, "
                     "and let them expire" + ("" if days is not None else " (backup retention not declared: "
                                                                          "set processing.backup_retention_days)"))
    return out


def _logs(ds: Any, finding: Finding) -> dict[str, Any]:
    tables = sorted({t.table for t in finding.hits()})
    if not ds.has("access_log", "table", "action"):
        return {"events": 0, "note": "no access log in the export"}
    dates = [t.oldest for t in finding.hits() if t.oldest]
    since = f" AND CAST(timestamp AS DATE) >= DATE {lit(min(dates))}" if dates and "timestamp" in ds.columns["access_log"] else ""
    df = ds.sql(f"SELECT action, count(*) AS n FROM access_log WHERE {q('table')} IN ({', '.join(lit(t) for t in tables)})"
                f"{since} GROUP BY action ORDER BY action")
    by = {safe_message(a): int(n) for a, n in zip(df["action"], df["n"])}
    return {"events": sum(by.values()), "by_action": by, "exports": by.get("export", 0),
            "keep": "the access log is security evidence and holds no value of the person: kept",
            "follow_up": "each export is a copy outside the CRM: find and erase it, or record why not"}


def write_erase_plan(ds: Any, finding: Finding, out: str | Path) -> list[Path]:
    """Write ``erase_plan.json`` and ``erase_plan.md`` (masked) and ``erase_plan.sql`` (0600) into
    ``out`` (new or empty); the export itself is never touched."""
    plan, sql = build_plan(ds, finding)
    folder = prepare_folder(out)
    with all_or_nothing() as written:
        written.append(write_json_atomic(folder / "erase_plan.json", plan))
        written.append(write_text_atomic(folder / "erase_plan.md", plan_markdown(plan)))
        written.append(write_private(folder / "erase_plan.sql", sql.encode("utf-8")))
    return written


def plan_markdown(plan: dict[str, Any]) -> str:
    """The plan for a reader (masked; names from the export through the output boundary)."""
    s = safe_message
    lines = [f"# Erasure plan: {s(plan['selector']['kind'])} {s(plan['selector']['value'])}", "",
             f"Dataset {s(plan['dataset'])}, as of {plan['as_of']}. This plan changes nothing; "
             "review `erase_plan.sql` (readable by you only) before running it in the source systems.", "",
             "## What erasure touches", "", "| table | rows | mentions | action |", "|---|---:|---|---|"]
    for t in plan["touch"]:
        mentions = ", ".join(f"{s(c)}: {n}" for c, n in t["mentions"].items()) or "–"
        lines.append(f"| {s(t['table'])} | {t['rows']} | {mentions} | {s(t.get('action', 'replace mentions'))} |")
    lines += ["", "## What must be kept, and why", ""]
    lines += [f"- {s(k['table'])}: {k['rows'] if k['rows'] is not None else 'recent'} row(s), {k['why']}"
              f"{' until ' + k['until'] if k.get('until') else ''} — {s('; '.join(k['basis']))}" for k in plan["keep"]] or ["- nothing"]
    b = plan["backups"]
    lines += ["", "## Backups within retention", ""]
    lines += [f"- {j['system']}: {j['copies']} copies {j['oldest']} – {j['newest']}"
              f"{', expire by ' + j['expire_by'] if j['expire_by'] else ''}" for j in b["jobs"]] or [f"- {b.get('note', 'none')}"]
    if b.get("action"):
        lines.append(f"- {b['action']}")
    lg = plan["logs"]
    lines += ["", "## Log entries", "", f"- {lg['events']} access-log events on these tables"
              + (f" ({', '.join(f'{a}: {n}' for a, n in lg['by_action'].items())})" if lg.get("by_action") else "")]
    if lg.get("keep"):
        lines += [f"- {lg['keep']}", f"- {lg['follow_up']}"]
    if plan["notify_recipients"]:
        lines += ["", "## Tell the recipients (GDPR Art. 19)", ""] + [f"- {s(r)}" for r in plan["notify_recipients"]]
    return "\n".join(lines) + "\n"
