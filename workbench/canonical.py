"""Canonical tables as engine expressions: renaming, typing, and the validation that names the
first offending row.

Every source arrives as a raw relation (strings for CSV and xlsx, native types for Parquet and
SQL). One ``SELECT`` turns it into the canonical table; one aggregate pass counts the values each
typed column could not parse, and only when that count is non-zero does a second query find the
first bad row — the happy path costs a single scan.
"""
from __future__ import annotations

from .boundary import value_shape  # the output boundary's: no letter, digit or markup of the value survives
from .errors import DatasetError
from .jurisdiction import EU_EEA
from .engine.base import Engine, lit, q
from .schema import CANONICAL, ENUMS, KEYS

TRUE_WORDS = ("true", "t", "yes", "y", "1", "是", "对", "1.0")
FALSE_WORDS = ("false", "f", "no", "n", "0", "否", "0.0")
NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
           "UBIGINT", "FLOAT", "DOUBLE", "REAL", "DECIMAL", "INT", "LONG", "SHORT", "BYTE")
EXPECTED = {"datetime": "an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z])", "date": "an ISO date (YYYY-MM-DD)",
            "bool": "a boolean (true/false, yes/no, 1/0, Y/N, 是/否)", "float": "a number", "int": "a whole number"}


def in_list(expr: str, values) -> str:
    """``expr IN (values)`` as a scalar function: DuckDB plans a literal IN list as a join, which
    column pruning cannot drop from a view, so every query through the view would pay for it."""
    return f"list_contains([{', '.join(map(lit, values))}], {expr})"


def _is(t: str, *kinds: str) -> bool:
    return any(t.startswith(k) for k in kinds)


def _text(col: str, t: str) -> str:
    c = q(col)
    if _is(t, "DOUBLE", "FLOAT", "REAL", "DECIMAL"):  # 12.0 from a numeric column would otherwise read "12.0"
        return f"CASE WHEN {c} = floor({c}) THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) ELSE CAST({c} AS VARCHAR) END"
    return f"nullif(trim(CAST({c} AS VARCHAR)), '')"


def typed(col: str, kind: str, t: str) -> str:
    """The canonical expression for raw column ``col`` of engine type ``t``."""
    c = q(col)
    if kind == "raw":  # an extra binary column (BLOB image): kept as it is, never decoded as text
        return c
    if kind in ("str", "id"):
        return _text(col, t)
    if kind in ("datetime", "date"):
        if _is(t, "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
            return f"CAST({c} AS TIMESTAMP)"  # the session time zone is UTC
        if _is(t, "TIMESTAMP", "DATE"):
            return f"CAST({c} AS TIMESTAMP)"
        v = _text(col, t)
        # an explicit UTC offset after the seconds needs the time-zone-aware parse (3x slower);
        # plain ISO text and a trailing Z parse as UTC directly
        tail = f"substr({v}, 20)"
        return (f"CASE WHEN length({v}) > 19 AND (contains({tail}, '+') OR contains({tail}, '-')) "
                f"THEN CAST(TRY_CAST({v} AS TIMESTAMPTZ) AS TIMESTAMP) ELSE TRY_CAST({v} AS TIMESTAMP) END")
    if kind == "bool":
        if _is(t, "BOOLEAN"):
            return c
        v = f"lower({_text(col, t)})"
        return (f"CASE WHEN {in_list(v, TRUE_WORDS)} THEN TRUE "
                f"WHEN {in_list(v, FALSE_WORDS)} THEN FALSE END")
    if kind == "float":
        return f"CAST({c} AS DOUBLE)" if _is(t, *NUMERIC) else f"TRY_CAST({_text(col, t)} AS DOUBLE)"
    if kind == "int":
        d = f"CAST({c} AS DOUBLE)" if _is(t, *NUMERIC) else f"TRY_CAST({_text(col, t)} AS DOUBLE)"
        return f"CASE WHEN {d} = floor({d}) THEN CAST({d} AS BIGINT) END"
    raise AssertionError(kind)


def jurisdiction_sql(has_state: bool) -> str:
    """:func:`workbench.jurisdiction.subject_jurisdiction` as an engine expression over canonical columns."""
    c = "upper(trim(country))"
    # an absent column is a typed NULL: Spark refuses an untyped one inside array_contains
    s = "upper(trim(state))" if has_state else "CAST(NULL AS VARCHAR)"
    return (f"CASE WHEN country IS NULL THEN NULL WHEN {in_list(c, sorted(EU_EEA | {'EL'}))} THEN 'EU' "
            f"WHEN {c} = 'CN' THEN 'CN' "
            f"WHEN {c} = 'US' THEN CASE WHEN {in_list(s, ('CA', 'CALIFORNIA'))} THEN 'US-CA' ELSE 'US' END ELSE {c} END")


class Canonicaliser:
    """Builds and validates one canonical table from its raw relation."""

    def __init__(self, engine: Engine, table: str, raw: str, where: str, first_row: int, yml: str,
                 mapping: dict[str, str], row_id: str | None) -> None:
        self.engine, self.table, self.raw, self.where = engine, table, raw, where
        self.first_row, self.yml, self.mapping, self.row_id = first_row, yml, mapping, row_id

    def columns(self) -> list[tuple[str, str, str, str]]:
        """(canonical name, raw name, kind, raw type) of every column, mapping applied and checked."""
        spec = CANONICAL[self.table]
        raw = [(n, t) for n, t in self.engine.schema(self.raw) if n != self.row_id and not n.startswith("__wb_")]
        names = [n for n, _ in raw]
        rename: dict[str, str] = {}
        for canon, src in self.mapping.items():
            if canon not in spec:
                raise DatasetError.of("error.columns.not_canonical", path=self.yml, table=self.table, column=canon,
                                      known=", ".join(spec))
            if src not in names:
                raise DatasetError.of("error.columns.mapped_missing", where=self.where, column=src, table=self.table,
                                      canon=canon, found=", ".join(names[:12]))
            rename[src] = canon
        out, seen = [], set()
        for n, t in raw:
            canon = rename.get(n, n)
            if canon in seen or (canon == "jurisdiction" and self.table == "customers"):
                raise DatasetError.of("error.columns.twice", where=self.where, column=canon)
            seen.add(canon)
            kind = spec.get(canon, "raw" if canon not in spec and _is(t, "BLOB", "BYTEA", "BINARY", "VARBINARY") else "str")
            out.append((canon, n, kind, t))
        key = KEYS.get(self.table)
        if key and key not in seen:
            raise DatasetError.of("error.columns.no_key", where=self.where, table=self.table, column=key)
        return out

    def _conditions(self, cols: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
        """Every way a value can be bad: (condition on the raw columns, the same condition on the
        typed columns of :meth:`select` — the flag —, column, what was expected)."""
        bad: list[tuple[str, str, str, str]] = []
        for i, (canon, n, kind, t) in enumerate(cols):
            if kind in EXPECTED:
                bad.append((f"{_text(n, t)} IS NOT NULL AND ({typed(n, kind, t)}) IS NULL",
                            f"(__wb_raw_{i} IS NOT NULL AND {q(canon)} IS NULL)", canon, EXPECTED[kind]))
            allowed = ENUMS.get((self.table, canon))
            if allowed:
                v = f"lower({_text(n, t)})"
                bad.append((f"{v} IS NOT NULL AND NOT {in_list(v, sorted(allowed))}",
                            f"coalesce(NOT {in_list(q(canon), sorted(allowed))}, FALSE)", canon,
                            f"one of {sorted(allowed)}"))
        key = KEYS.get(self.table)
        raw_key = next((n for c, n, *_ in cols if c == key), None)
        if raw_key:
            t = next(t for _, n, _, t in cols if n == raw_key)
            bad.append((f"{_text(raw_key, t)} IS NULL", f"({q(key)} IS NULL)", key, "EMPTY_ID"))
        return bad

    def select(self, cols: list[tuple[str, str, str, str]], flags: bool = False) -> str:
        """The canonical ``SELECT``; with ``flags`` it also carries one boolean per bad-value
        condition (``__wb_bad_N``, in the order of :meth:`_conditions`) so that typing and
        validation share a single parse, and each value is typed once."""
        parts, raws = [], []
        for i, (canon, n, kind, t) in enumerate(cols):
            expr = typed(n, kind, t)
            if (self.table, canon) in ENUMS:
                expr = f"lower({expr})"
            parts.append(f"{expr} AS {q(canon)}")
            if flags and kind in EXPECTED:
                raws.append(f"{_text(n, t)} AS __wb_raw_{i}")
        names = [c for c, *_ in cols]
        # __wb_row: the row's position in the source, for deterministic samples without a window
        # (the source's own row-number column when it has one, else numbered as it is parsed)
        pos = [f"{q(self.row_id)} AS __wb_row"] if self.row_id else []
        inner = f"SELECT {', '.join(parts + raws + pos)} FROM {q(self.raw)}"
        out = [q(c) for c in names]
        if self.row_id:
            out.append("__wb_row")
        elif not (flags and self.engine.table_position):
            # a table the engine numbers itself (DuckDB's rowid) needs no column: a window here
            # would cost more than the rest of the parse
            out.append(f"{self.engine.ordinal()} AS __wb_row")
        if flags:
            out += [f"{flag} AS __wb_bad_{j}" for j, (_, flag, *_) in enumerate(self._conditions(cols))]
        if self.table == "customers" and "country" in names:
            out.append(f"{jurisdiction_sql('state' in names)} AS jurisdiction")
        return f"SELECT {', '.join(out)} FROM ({inner}) s"

    def validate(self, cols: list[tuple[str, str, str, str]], flagged: str | None = None) -> dict[str, int]:
        """Raise on the first unparseable value, value outside a closed vocabulary, empty or duplicate id.

        ``flagged``: a relation built by ``select(cols, flags=True)`` — its flags are counted
        instead of re-reading the raw source. The first bad row is looked up in the raw source
        only when something is wrong. The same pass also counts each column's non-empty values and
        returns them (``__rows__`` too): the table's statistics, for free."""
        conds = self._conditions(cols)
        key = KEYS.get(self.table)
        if flagged:
            aggs = [f"count(*) FILTER (WHERE __wb_bad_{i})" for i in range(len(conds))]
            src, key_expr = flagged, (q(key) if key else None)
        else:
            aggs = [f"count(*) FILTER (WHERE {cond})" for cond, *_ in conds]
            raw_key = next((n for c, n, *_ in cols if c == key), None)
            src = self.raw
            key_expr = _text(raw_key, next(t for _, n, _, t in cols if n == raw_key)) if raw_key else None
        if key_expr:
            aggs.append(f"count({key_expr}) - count(DISTINCT {key_expr})")
        # the statistics (rows, values per column) come with the same pass: of the view's raw text, or
        # of every column of the flagged table (typed, trimmed; the derived jurisdiction included)
        names = [n for n, _ in self.engine.schema(flagged) if not n.startswith("__wb_")] if flagged else []
        stats = ["count(*)"] + ([f"count({q(n)})" for n in names] if flagged else [
            f"count({_text(n, t) if _is(t, 'VARCHAR') else q(n)})" for _, n, _, t in cols])
        row = self.engine.row(f"SELECT {', '.join(aggs + stats)} FROM {q(src)}")
        counts = row[:len(aggs)]
        for (cond, _, col, expected), n in zip(conds, counts):
            if not n:
                continue
            rn, value = self._first(cond, next(r for c, r, *_ in cols if c == col))
            if expected == "EMPTY_ID":
                raise DatasetError.of("error.columns.empty_id", where=self.where, row=rn, column=col)
            kind = next((k for k, v in EXPECTED.items() if v == expected), "")
            if not kind and expected.startswith("one of "):  # an enumerated column: ENUMS
                kind, expected = "enum", expected.removeprefix("one of ")
            raise DatasetError.of(f"error.columns.bad_{kind}" if kind else "error.columns.bad_value",
                                  "error.columns.bad_value_hint", where=self.where, row=rn, column=col,
                                  shape=value_shape(value), expected=expected, table=self.table)
        if key_expr and counts[len(conds)]:
            rows = self.engine.frame(
                f"SELECT rn FROM (SELECT rn, count(*) OVER (PARTITION BY k) AS c FROM "
                f"(SELECT {(self.engine.table_position or '__wb_row') if flagged else self._rownum()} AS rn, {key_expr} AS k FROM {q(src)}) s) s2 "
                f"WHERE c > 1 ORDER BY rn LIMIT 2")
            r = [int(x) + self.first_row for x in rows["rn"]]
            raise DatasetError.of("error.columns.duplicate_id", where=self.where, column=key, first=r[0], second=r[1])
        if flagged:
            return dict(zip(["__rows__", *names], (int(x) for x in row[len(aggs):])))
        found = dict(zip(["__rows__"] + [c for c, *_ in cols], (int(x) for x in row[len(aggs):])))
        if self.table == "customers" and "country" in found:
            found["jurisdiction"] = found["country"]  # derived: present exactly where country is
        return found

    def _rownum(self) -> str:
        return q(self.row_id) if self.row_id else self.engine.ordinal()

    def _first(self, cond: str, raw_col: str) -> tuple[int, object]:
        df = self.engine.frame(f"SELECT __wb_rn, __wb_v FROM (SELECT {self._rownum()} AS __wb_rn, CAST({q(raw_col)} AS VARCHAR) AS __wb_v, * "
                               f"FROM {q(self.raw)}) s WHERE {cond} ORDER BY __wb_rn LIMIT 1")
        return int(df["__wb_rn"].iat[0]) + self.first_row, df["__wb_v"].iat[0]
