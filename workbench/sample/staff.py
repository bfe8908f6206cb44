"""Synthetic CRM staff accounts, their permissions and an access log, with access problems planted."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from .people import _cat, _pick, _times, seq_ids

# role → (department, share of staff, is service account)
ROLES = {
    "admin": ("IT", 0.0, False),  # sized separately: the all-access plant
    "sales": ("Sales", 0.34, False), "support": ("Support", 0.22, False),
    "marketing": ("Marketing", 0.10, False), "finance": ("Finance", 0.08, False),
    "dpo": ("Legal", 0.02, False), "it_ops": ("IT", 0.06, False), "analyst": ("Analytics", 0.08, False),
    "integration": ("IT", 0.05, True), "backup_svc": ("IT", 0.05, True),
}
CUSTOMER_BASIC = ["customer_id", "full_name", "email", "phone", "city", "country"]
PERMISSIONS = {
    "admin": {"*": {"read": "*", "export": True}},
    "sales": {"customers": {"read": CUSTOMER_BASIC + ["notes", "consent_marketing", "last_activity_at"], "export": False},
              "transactions": {"read": ["transaction_id", "customer_id", "amount", "currency", "created_at"], "export": False}},
    "support": {"customers": {"read": CUSTOMER_BASIC + ["address", "notes"], "export": False},
                "transactions": {"read": ["transaction_id", "customer_id", "amount", "created_at"], "export": False}},
    "marketing": {"customers": {"read": ["customer_id", "full_name", "email", "country", "consent_marketing", "consent_at"], "export": True}},
    "finance": {"transactions": {"read": "*", "export": True},
                "customers": {"read": ["customer_id", "full_name", "address", "city", "state", "country"], "export": False}},
    "dpo": {"customers": {"read": "*", "export": True}, "transactions": {"read": "*", "export": False}},
    "it_ops": {"users": {"read": "*", "export": False}},
    "analyst": {"transactions": {"read": ["transaction_id", "customer_id", "amount", "currency", "created_at"], "export": True},
                "customers": {"read": ["customer_id", "city", "country"], "export": False}},
    "integration": {"customers": {"read": ["customer_id", "email", "phone"], "export": True}},
    "backup_svc": {"customers": {"read": ["customer_id"], "export": False}},
}
MFA_REQUIRED = ["admin", "dpo", "finance", "it_ops"]
TABLE_COLUMNS = {
    "customers": ["customer_id", "full_name", "email", "phone", "national_id", "birth_date", "address", "city",
                  "state", "country", "notes", "consent_marketing", "consent_at", "last_activity_at"],
    "transactions": ["transaction_id", "customer_id", "amount", "currency", "created_at", "card_number"],
    "users": ["user_id", "name", "department", "role", "status", "mfa_enabled", "last_login_at"],
}


def readable(role: str, table: str) -> list[str]:
    g = PERMISSIONS[role].get(table) or PERMISSIONS[role].get("*")
    if g is None:
        return []
    return TABLE_COLUMNS[table] if g["read"] == "*" else list(g["read"])


def can_export(role: str, table: str) -> bool:
    g = PERMISSIONS[role].get(table) or PERMISSIONS[role].get("*")
    return bool(g and g["export"])


def make_users(rng: np.random.Generator, n_staff: int, as_of: np.datetime64, counts: dict[str, int],
               dormant_days: int) -> tuple[pd.DataFrame, dict]:
    now = as_of + np.timedelta64(12, "h")
    roles = [r for r in ROLES if r != "admin"]
    share = np.array([ROLES[r][1] for r in roles])
    role = rng.choice(np.array(roles, dtype=object), n_staff, p=share / share.sum())
    n_disabled = max(2, n_staff // 25)
    active_n = n_staff - n_disabled
    # AC-006: all-access accounts above 10% of active accounts (they are all active).
    # a / (active_n + a) > 0.10  <=>  a > active_n / 9
    n_admin = active_n // 9 + 1 + counts["AC-006-extra"]
    role = np.concatenate([np.full(n_admin, "admin", dtype=object), role])
    n = len(role)
    status = np.full(n, "active", dtype=object)
    dis = n_admin + rng.choice(n - n_admin, n_disabled, replace=False)
    status[dis] = "disabled"
    service = np.array([ROLES[r][2] for r in role])
    dept = np.array([ROLES[r][0] for r in role], dtype=object)
    first = _pick(rng, ["Alex", "Sam", "Kim", "Chris", "Robin", "Jordan", "Li", "Mei", "Hannah", "Tom", "Yuki", "Omar"], n)
    last = _pick(rng, ["Becker", "Wang", "Zhao", "Moreau", "Silva", "Olsen", "Park", "Kaur", "Meyer", "Costa"], n)
    name = np.where(service, _cat(role, "-svc"), _cat(first, " ", last))
    mfa = np.where(np.isin(role, MFA_REQUIRED), True, rng.random(n) < 0.5)
    last_login = _times(rng, now, 0.2, 20, n)
    terminated = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    terminated[dis] = _times(rng, now, 30, 300, len(dis))
    last_login[dis] = terminated[dis] - np.timedelta64(1, "D")
    training = _times(rng, now, 5, 300, n)
    training[service] = np.datetime64("NaT")

    active_staff = (status == "active") & ~service
    free = np.ones(n, dtype=bool)

    def take(mask: np.ndarray, k: int) -> np.ndarray:
        cand = np.flatnonzero(mask & free)
        idx = np.sort(rng.choice(cand, size=min(k, len(cand)), replace=False))
        free[idx] = False
        return idx

    planted: dict[str, list[int]] = {}
    idx = take(active_staff & np.isin(role, MFA_REQUIRED), counts["AC-001"])
    mfa[idx] = False
    planted["AC-001"] = idx.tolist()
    idx = take(active_staff & (role != "admin"), counts["AC-002"])
    terminated[idx] = _times(rng, now, 10, 60, len(idx))
    planted["AC-002"] = idx.tolist()
    idx = take(active_staff & (role != "admin"), counts["AC-003"])
    last_login[idx] = _times(rng, now, dormant_days + 20, dormant_days + 250, len(idx))
    planted["AC-003"] = idx.tolist()
    idx = take(active_staff & (role != "admin"), counts["TRN-001"])
    never = idx[: len(idx) // 3]
    training[never] = np.datetime64("NaT")
    training[idx[len(idx) // 3:]] = _times(rng, now, 400, 800, len(idx) - len(never))
    planted["TRN-001"] = idx.tolist()

    users = pd.DataFrame({
        "user_id": seq_ids("U", n, 5),
        "name": name, "department": dept, "role": role, "status": status, "mfa_enabled": mfa,
        "last_login_at": last_login, "terminated_at": terminated, "is_service_account": service,
        "last_training_at": training,
    })
    facts = {"planted_rows": planted, "admins": n_admin, "active": int((status == "active").sum())}
    return users, facts


def make_access_log(rng: np.random.Generator, users: pd.DataFrame, as_of: np.datetime64, history_days: int,
                    window_days: int, events_per_user: int, counts: dict[str, int]) -> pd.DataFrame:
    """Clean traffic (every read within the role's fields, exports only where allowed) plus plants."""
    now = as_of + np.timedelta64(12, "h")
    active = users[users["status"] == "active"].reset_index(drop=True)
    log = _clean_events(rng, active, now, 0.01, history_days, len(active) * events_per_user)
    out = pd.concat([log, *_planted_events(rng, active, now, window_days, history_days, counts)], ignore_index=True)
    return out.sort_values("timestamp", kind="stable").reset_index(drop=True)


def access_log_chunks(rng: np.random.Generator, users: pd.DataFrame, as_of: np.datetime64, history_days: int,
                      window_days: int, events_per_user: int, counts: dict[str, int],
                      chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The access log of :func:`make_access_log` in time-ordered chunks of about ``chunk_rows``
    events, so that a log of tens of millions of rows is never held in memory whole.

    Chunk j covers the j-th slice of the history (oldest first) and draws its clean events from its
    own generator (spawned from ``rng``); the plants are drawn once and each goes to the chunk of
    its time slice, so the chunks concatenate into one log sorted by timestamp."""
    now = as_of + np.timedelta64(12, "h")
    active = users[users["status"] == "active"].reset_index(drop=True)
    plants = pd.concat(_planted_events(rng, active, now, window_days, history_days, counts), ignore_index=True)
    n = len(active) * events_per_user
    k = max(1, -(-n // chunk_rows))
    edges = np.linspace(history_days, 0.01, k + 1)  # days before now, oldest first
    sizes = np.diff(np.linspace(0, n, k + 1).astype(np.int64))
    # a clean event of slice j lies between now - int(edges[j] days) and now - int(edges[j+1] days)
    inner = now - (edges[1:-1] * 86400).astype(np.int64).astype("timedelta64[s]")
    slice_of = np.searchsorted(inner, plants["timestamp"].to_numpy(dtype="datetime64[s]"), side="left")
    for j, chunk_rng in enumerate(rng.spawn(k)):
        clean = _clean_events(chunk_rng, active, now, edges[j + 1], edges[j], int(sizes[j]))
        out = pd.concat([clean, plants[slice_of == j]], ignore_index=True)
        yield out.sort_values("timestamp", kind="stable").reset_index(drop=True)


def _clean_events(rng: np.random.Generator, active: pd.DataFrame, now: np.datetime64, lo_days: float,
                  hi_days: float, n: int) -> pd.DataFrame:
    """``n`` events of the active accounts between ``hi_days`` and ``lo_days`` before ``now``, every
    read within the role's fields and exports only where the role may export."""
    who = rng.integers(0, len(active), n)
    roles = active["role"].to_numpy()[who]
    ts = _times(rng, now, lo_days, hi_days, n)
    action = rng.choice(np.array(["read", "write", "login", "login_failed", "export"], dtype=object), n,
                        p=[0.70, 0.14, 0.11, 0.02, 0.03])
    table = np.full(n, None, dtype=object)
    fields = np.full(n, None, dtype=object)
    rc = np.ones(n, dtype=np.int64)
    for r in np.unique(roles):
        sel = np.flatnonzero(roles == r)
        tables = [t for t in TABLE_COLUMNS if readable(r, t)]
        exportable = [t for t in tables if can_export(r, t)]
        ex = sel[action[sel] == "export"]
        if not exportable:
            action[ex] = "read"
        else:
            table[ex] = _pick(rng, exportable, len(ex))
        data = sel[np.isin(action[sel], ["read", "write", "export"])]
        todo = data[table[data] == None]  # noqa: E711 - object array comparison
        table[todo] = _pick(rng, tables, len(todo))
        for t in tables:
            rows = data[table[data] == t]
            cols = readable(r, t)
            # every run of 1-4 consecutive readable fields, chosen by index (no per-row Python)
            kmax = min(4, len(cols))
            combos = np.array([",".join(cols[(s + j) % len(cols)] for j in range(m))
                               for s in range(len(cols)) for m in range(1, kmax + 1)], dtype=object)
            fields[rows] = combos[rng.integers(0, len(combos), len(rows))]
    rc[action == "read"] = rng.integers(1, 50, int((action == "read").sum()))
    rc[action == "export"] = rng.integers(100, 5000, int((action == "export").sum()))
    return pd.DataFrame({"timestamp": ts, "user_id": active["user_id"].to_numpy()[who], "action": action,
                        "table": table, "fields": fields, "record_count": rc,
                        "source_ip": _cat("10.", rng.integers(0, 255, n).astype(str).astype(object), ".",
                                          rng.integers(0, 255, n).astype(str).astype(object), ".",
                                          rng.integers(1, 255, n).astype(str).astype(object))})


def _planted_events(rng: np.random.Generator, active: pd.DataFrame, now: np.datetime64, window_days: int,
                    history_days: int, counts: dict[str, int]) -> list[pd.DataFrame]:
    """AC-004 and AC-005 violations by sales and support staff, inside and outside the window."""
    plants = []
    staff = active[~active["is_service_account"].astype(bool)]
    sales = staff[staff["role"].isin(["sales", "support"])]["user_id"].to_numpy()

    def events(k: int, lo: float, hi: float, action: str, table: str, fields_: list[str]) -> pd.DataFrame:
        return pd.DataFrame({"timestamp": _times(rng, now, lo, hi, k), "user_id": _pick(rng, list(sales), k),
                             "action": action, "table": table, "fields": _pick(rng, fields_, k),
                             "record_count": rng.integers(1, 3000, k), "source_ip": "10.0.8.15"})

    inside, outside = (0.5, window_days - 5), (window_days + 10, history_days - 1)
    # AC-004: reads of fields the role may not read (national ids; '*' on customers).
    bad_fields = ["full_name,national_id", "national_id", "*", "email,birth_date"]
    plants.append(events(counts["AC-004"], *inside, "read", "customers", bad_fields))
    plants.append(events(counts["AC-004-outside"], *outside, "read", "customers", bad_fields))
    # AC-005: exports by roles without export permission (fields they may read, so not also AC-004).
    plants.append(events(counts["AC-005"], *inside, "export", "customers", ["customer_id,full_name,email", "customer_id,phone"]))
    plants.append(events(counts["AC-005-outside"], *outside, "export", "customers", ["customer_id,email"]))
    return plants
