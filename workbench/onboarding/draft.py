"""``workbench init``: draft a dataset.yaml from a folder of CRM exports.

Every guess carries its evidence (header hint, file name, content share), so the analyst can
confirm or change it; nothing is written over an existing file.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DatasetError, InputError
from .hints import HeaderHints, load_hints, name_score, normalise

SAMPLE_ROWS = 2000
DETECT_BYTES = 4 << 20          # encoding detection looks at the first 4 MiB
SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".parquet": "parquet",
            ".db": "sqlite", ".sqlite": "sqlite", ".sqlite3": "sqlite"}
OUTPUTS = ("dataset.yaml", "permissions.yaml", "posture.yaml")
# canonical column -> PII category whose content share can stand in for a missing header hint
CONTENT = {"email": "email", "phone": "phone", "national_id": "national_id", "full_name": "person_name",
           "address": "address", "birth_date": "birth_date", "card_number": "card_number", "source_ip": "ip_address"}


@dataclass
class Source:
    """One table in the export folder: a file, or a table inside a SQLite file."""

    label: str                     # what the user sees: customers.csv, crm.db:Customer
    kind: str                      # csv | excel | parquet | sqlite
    path: Path
    sample: pd.DataFrame
    encoding: str | None = None
    encoding_note: str = ""
    sql_table: str | None = None
    view: bool = False                                            # a database view: never a canonical table
    binary: list[str] = field(default_factory=list)               # columns skipped: BLOB or encoded images


@dataclass
class Guess:
    """A proposed mapping and why: ``column`` None means the table itself."""

    table: str
    column: str | None
    source: str
    evidence: str


@dataclass
class Draft:
    """The drafted dataset: canonical table -> source, column mappings, and the evidence for each."""

    folder: Path
    tables: dict[str, Source] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)   # table -> canonical -> source column
    guesses: list[Guess] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)
    as_of: dt.date | None = None
    jurisdictions: list[str] = field(default_factory=list)
    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # table -> column -> value map
    left_out: list[str] = field(default_factory=list)             # mappings dropped so that the draft validates


def _decode_sample(path: Path) -> tuple[str, str, str]:
    """(text of the first DETECT_BYTES, encoding, note): the loader's own detection
    (:func:`workbench.encoding.detect`: UTF-8 check of the whole file, else charset-normalizer)."""
    from ..encoding import detect

    enc = detect(path)
    with path.open("rb") as fh:
        data = fh.read(DETECT_BYTES)
    note = "decodes as UTF-8" if enc in ("utf-8", "utf-8-sig") else f"not UTF-8; charset-normalizer: {enc}"
    return data.decode(enc, errors="ignore"), enc, note   # "ignore": the read may cut the last character


def _read_csv(path: Path) -> Source:
    text, enc, note = _decode_sample(path)
    text = text[: text.rfind("\n") + 1] or text
    sep = "\t" if path.suffix.lower() == ".tsv" else None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, nrows=SAMPLE_ROWS, sep=sep, engine="python" if sep is None else "c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise DatasetError.of("error.init.csv", path=path, detail=" ".join(str(e).split())[:120]) from None
    return Source(path.name, "csv", path, df, enc, note)


def discover(folder: Path) -> list[Source]:
    """Every table in the folder (CSV, xlsx, Parquet, each table of a SQLite file), sampled."""
    out: list[Source] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        kind = SUFFIXES.get(path.suffix.lower())
        if kind == "csv":
            out.append(_read_csv(path))
        elif kind == "excel":
            df = pd.read_excel(path, dtype=str, nrows=SAMPLE_ROWS)
            out.append(Source(path.name, "excel", path, df))
        elif kind == "parquet":
            import pyarrow.parquet as pq

            pf = pq.ParquetFile(path)
            df = pf.read_row_group(0).to_pandas().head(SAMPLE_ROWS) if pf.num_row_groups else pd.DataFrame()
            out.append(Source(path.name, "parquet", path, df.astype("string")))
        elif kind == "sqlite":
            out += _read_sqlite(path)
    for src in out:
        _drop_binary(src)
    return out


def _read_sqlite(path: Path) -> list[Source]:
    """Every table and view of a SQLite file, sampled; BLOB values are never decoded as text."""
    out: list[Source] = []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rels = con.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table','view') "
                           "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
        for name, kind in rels:
            quoted = '"' + name.replace('"', '""') + '"'
            try:
                df = pd.read_sql_query(f"SELECT * FROM {quoted} LIMIT {SAMPLE_ROWS}", con)
            except (sqlite3.DatabaseError, pd.errors.DatabaseError):
                continue  # a view over a missing table: nothing to sample (the loader skips it with a note)
            binary = [str(c) for c in df.columns if df[c].dropna().map(lambda v: isinstance(v, (bytes, bytearray))).any()]
            df = df.drop(columns=binary).astype("string")
            out.append(Source(f"{path.name}:{name}", "sqlite", path, df, sql_table=name, view=kind == "view",
                              binary=binary))
    except sqlite3.DatabaseError as e:
        raise DatasetError.of("error.init.sqlite", path=path, detail=e) from None
    finally:
        con.close()
    return out


def _drop_binary(src: Source) -> None:
    """Text columns holding encoded images (\\x89504e47..., base64) leave the sample: never classified."""
    from ..pii.inventory import binary_text
    from ..pii.engine import to_polars

    for c in [str(c) for c in src.sample.columns]:
        if binary_text(to_polars(src.sample[c])):
            src.binary.append(c)
    if src.binary:
        src.sample = src.sample.drop(columns=[c for c in src.sample.columns if str(c) in src.binary])


def _header_matches(src: Source, table: str, hints: HeaderHints) -> dict[str, str]:
    """canonical column -> source column, by header hints (first listed hint wins, one source column once)."""
    th = hints.tables[table]
    by_norm: dict[str, str] = {}
    for c in src.sample.columns:
        by_norm.setdefault(normalise(c), str(c))
    out: dict[str, str] = {}
    used: set[str] = set()
    for canon, names in th.columns.items():
        for n in names:
            col = by_norm.get(n)
            if col is not None and col not in used:
                out[canon] = col
                used.add(col)
                break
    return out


def _table_score(src: Source, table: str, hints: HeaderHints, canonical: dict[str, dict[str, str]]) -> tuple[float, str]:
    matched = _header_matches(src, table, hints)
    share = len(matched) / max(len(canonical[table]), 1)
    named = name_score(src.sql_table or src.path.stem, hints.tables[table].names)
    evidence = f"{len(matched)}/{len(canonical[table])} canonical columns by header"
    if named:
        evidence += ", file/table name"
    return share + 0.3 * named, evidence


def draft_dataset(folder: str | Path, hints_path: str | None = None) -> Draft:
    """Recognise the tables in ``folder`` and map their columns; see :class:`Draft`."""
    from ..pii import classify_column
    from ..schema import CANONICAL, KEYS
    from .choose import content_score, key_column, profile

    root = Path(folder)
    if not root.is_dir():
        raise InputError.of("error.init.no_folder", path=root)
    hints = load_hints(hints_path)
    sources = discover(root)
    if not sources:
        raise InputError.of("error.init.no_files", path=root)
    tables = [t for t in CANONICAL if t in hints.tables]
    profiles = {i: profile(s, hints) for i, s in enumerate(sources) if not s.view and len(s.sample)}
    d = Draft(folder=root)
    used: set[int] = set()
    chosen: dict[str, int] = {}
    # customers first, then staff, then transactions; the rest by their header score
    for t in sorted(tables, key=lambda t: (["customers", "users", "transactions"] + tables).index(t)):
        best = None
        for i, prof in profiles.items():
            if i in used:
                continue
            base, evidence = _table_score(sources[i], t, hints, CANONICAL)
            score = content_score(t, base, prof, "file/table name" in evidence)
            if score is not None and score >= 0.25 and (best is None or score > best[0]):
                best = (score, i, evidence, prof)
        if best is None:
            continue
        score, i, evidence, prof = best
        if t in ("customers", "users", "transactions"):
            evidence += f"; content: {prof.person} kinds of personal data, unique id"
            if prof.staff and t == "users":
                evidence += ", staff headers"
        d.tables[t] = sources[i]
        used.add(i)
        chosen[t] = i
        d.guesses.append(Guess(t, None, sources[i].label, f"score {score:.2f}: {evidence}"))
    d.unassigned = [s.label for i, s in enumerate(sources) if i not in used]
    if "customers" not in d.tables:
        raise InputError.of("error.init.no_customers", path=root)
    for t, src in d.tables.items():
        mapping = _header_matches(src, t, hints)
        key = KEYS.get(t)
        if key:
            col = key_column(src, key, mapping, profiles[chosen[t]])
            if col is not None and mapping.get(key) != col:
                mapping = {c: v for c, v in mapping.items() if v != col}
                mapping[key] = col
                d.guesses.append(Guess(t, key, col, f"content: '{col}' is unique in the sample"))
        for canon, col in mapping.items():
            if not any(g.table == t and g.column == canon for g in d.guesses):
                d.guesses.append(Guess(t, canon, col, f"header '{col}' is a known name for {canon}"))
        for canon, category in CONTENT.items():
            if canon not in CANONICAL[t] or canon in mapping:
                continue
            best = max(((classify_column(src.sample[c], str(c)).get(category, 0.0), str(c))
                        for c in src.sample.columns if str(c) not in mapping.values()), default=(0.0, ""))
            if best[0] >= 0.8:
                mapping[canon] = best[1]
                d.guesses.append(Guess(t, canon, best[1], f"content: {best[0]:.0%} of values are {category}"))
        _check_content(src, t, mapping, d)
        d.columns[t] = mapping
    d.columns = {t: d.columns[t] for t in CANONICAL if t in d.columns}   # canonical order in the draft
    d.as_of = _latest_date(d)
    d.jurisdictions = _jurisdictions(d)
    from .fit import fit_draft

    fit_draft(d)   # closed vocabularies as value maps; what validate would still reject is left out
    return d


def _check_content(src: Source, table: str, mapping: dict[str, str], d: Draft) -> None:
    """Add the content share to header guesses of personal-data columns (a header alone never decides)."""
    from ..pii import classify_column

    for canon, category in CONTENT.items():
        col = mapping.get(canon)
        if col is None:
            continue
        share = classify_column(src.sample[col], col).get(category, 0.0)
        for g in d.guesses:
            if g.table == table and g.column == canon and g.evidence.startswith("header"):
                g.evidence += f"; content: {share:.0%} {category}" + ("" if share >= 0.5 else " — CHECK")


def _latest_date(d: Draft) -> dt.date | None:
    src = d.tables["customers"]
    latest = None
    for canon in ("last_activity_at", "created_at"):
        col = d.columns["customers"].get(canon)
        if col:
            ts = pd.to_datetime(src.sample[col], errors="coerce", utc=True, format="mixed").max()
            if pd.notna(ts) and (latest is None or ts.date() > latest):
                latest = ts.date()
    return latest


def _jurisdictions(d: Draft) -> list[str]:
    from ..jurisdiction import subject_jurisdiction

    src, cols = d.tables["customers"], d.columns["customers"]
    if "country" not in cols:
        return []
    state = src.sample[cols["state"]] if "state" in cols else pd.Series([None] * len(src.sample))
    found = {subject_jurisdiction(c, s) for c, s in zip(src.sample[cols["country"]].tolist(), state.tolist())
             if isinstance(c, str) and c}
    return sorted(j for j in found if j in ("EU", "US-CA", "CN"))


def _q(v: object) -> str:
    return json.dumps(v, ensure_ascii=False)   # a JSON string is a valid YAML scalar


def _c(text: object) -> str:
    """Text for a YAML comment: through the output boundary (one line, secrets redacted, personal
    data masked), and no character YAML would read as a line break or refuse."""
    from ..boundary import safe_message

    return "".join(ch if ch.isprintable() else "?" for ch in safe_message(text))


def render(d: Draft, out: Path) -> dict[str, str]:
    """The three files' texts: dataset.yaml, and commented permissions.yaml / posture.yaml skeletons."""
    rel = Path(os.path.relpath(d.folder.resolve(), out.resolve()))
    lines = [f"# Drafted by `workbench init` from {d.folder.name}/ — check every guess, then run `workbench validate`.",
             f"name: {_q(d.folder.resolve().name)}",
             f"as_of: {d.as_of.isoformat() if d.as_of else dt.date.today().isoformat()}   # CHECK: the day the export was taken",
             "organisation:",
             "  name: \"CHANGE ME\"            # the controller's legal name",
             "  industry: other               # used for breach cost priors",
             "  annual_revenue: 0             # fines are capped as a share of this",
             "  currency: EUR",
             f"  jurisdictions: [{', '.join(d.jurisdictions)}]   # from the customers' countries in the sample",
             "tables:"]
    for t, src in sorted(d.tables.items(), key=lambda kv: list(d.columns).index(kv[0])):
        lines.append(f"  {t}:   # {_c(src.label)}"
                     + (f" (binary, not read as text: {_c(', '.join(src.binary))})" if src.binary else ""))
        if src.kind == "sqlite":
            lines += [f"    sql: {_q('sqlite:///' + (rel / src.path.name).as_posix())}", f"    table: {_q(src.sql_table)}"]
        else:
            lines.append(f"    path: {_q((rel / src.path.name).as_posix())}")
            if src.encoding:
                lines.append(f"    encoding: {src.encoding}   # {_c(src.encoding_note)}")
    renamed = {t: {c: s for c, s in m.items() if c != s} for t, m in d.columns.items()}
    if any(renamed.values()):
        lines.append("columns:")
        for t, m in renamed.items():
            if m:
                lines.append(f"  {t}:")
                lines += [f"    {c}: {_q(s)}" for c, s in m.items()]
    values = {t: {c: m for c, m in cols.items() if c in d.columns.get(t, {}) or c in map(str, d.tables[t].sample.columns)}
              for t, cols in d.values.items() if t in d.tables}   # a mapping changed in review drops its map
    values = {t: cols for t, cols in values.items() if cols}
    if values:
        lines.append("values:   # source value -> canonical value")
        for t, cols in values.items():
            lines.append(f"  {t}:")
            lines += [f"    {c}: {{{', '.join(f'{_q(k)}: {_q(v)}' for k, v in m.items())}}}" for c, m in cols.items()]
    for note in d.left_out:
        lines.append(f"# left out so that validate passes: {_c(note)}")
    if d.unassigned:
        lines.append("# other tables: scanned with role 'other' and never checked; those in this folder or database are")
        lines.append("# found without listing (name one under tables: to give it a name or an encoding):")
        lines.append(f"#   {_c(', '.join(d.unassigned))}")
    lines += ["# permissions: permissions.yaml   # uncomment once permissions.yaml is filled in",
              "# posture: posture.yaml           # uncomment once posture.yaml is filled in"]
    tables = ", ".join(d.tables)
    perms = ["# Who may read and export what (DESIGN: roles -> table -> read fields / export).",
             "# Fill in from the CRM's profiles or security roles, then uncomment `permissions:` in dataset.yaml.",
             "# Tables drafted: " + tables, "roles: {}", "#   admin:", "#     \"*\": {read: \"*\", export: true}",
             "#   sales:", "#     customers: {read: [customer_id, full_name, email, phone], export: false}"]
    posture = ["# Systems that store the tables, and policies. Fill in, then uncomment `posture:` in dataset.yaml.",
               "systems: []", "#   - name: crm-database", f"#     stores: [{tables}]",
               "#     encryption_at_rest: {enabled: true, algorithm: AES-256, key_management: kms, key_rotation_days: 365}",
               "#     tls_min_version: \"1.2\"", "#     field_encryption: []",
               "#     backup_policy: {rpo_hours: 24, rto_hours: 8, offsite: true, immutable: true}",
               "# policies:", "#   retention_days: 1095", "#   dormant_account_days: 90",
               "#   mfa_required_roles: [admin]", "#   access_review_days: 180", "#   erasure_deadline_days: 30"]
    return {"dataset.yaml": "\n".join(lines) + "\n", "permissions.yaml": "\n".join(perms) + "\n",
            "posture.yaml": "\n".join(posture) + "\n"}


def ensure_free(out: str | Path) -> None:
    """Raise when ``out`` already holds one of the files init writes (it never overwrites)."""
    existing = [Path(out) / n for n in OUTPUTS if (Path(out) / n).exists()]
    if existing:
        raise InputError.of("error.init.exists", path=existing[0])


def write_draft(d: Draft, out: str | Path) -> list[Path]:
    """Write the three files into ``out``; refuses (nothing written) when any of them exists."""
    from ..files import write_text_atomic

    out = Path(out)
    ensure_free(out)
    texts = render(d, out)
    return [write_text_atomic(out / n, texts[n]) for n in OUTPUTS]
