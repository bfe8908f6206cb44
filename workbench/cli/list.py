"""``workbench list checks|scenarios|modules|profiles|laws``: what the workbench knows."""
from __future__ import annotations

import argparse
from pathlib import Path

HELP = "list checks, profiles, breach scenarios, laws or training modules"
REPO = Path(__file__).resolve().parents[2]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["checks", "profiles", "scenarios", "modules", "laws"], help="what to list")


def _id_titles(folder: Path) -> list[tuple[str, str]]:
    """(id, title) of every ``*.yaml`` in ``folder`` (absent folder → nothing); title may be per language."""
    import yaml

    from ..errors import ContentError

    out = []
    for p in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            raw = yaml.safe_load(p.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            raise ContentError.of("error.list.yaml", path=p) from None
        if not isinstance(raw, dict) or "id" not in raw:
            raise ContentError.of("error.list.no_id", path=p)
        title = raw.get("title", "")
        if isinstance(title, dict):  # {en: ..., zh: ...}
            title = title.get("en") or next(iter(title.values()), "")
        out.append((str(raw["id"]), str(title)))
    return out


def run(args: argparse.Namespace) -> int:
    if args.what == "checks":
        from ..checks import load_catalog, validate_catalog

        cat = load_catalog()
        validate_catalog(cat)
        for cid, c in sorted(cat.controls.items()):
            print(f"{cid:<8} {c.domain:<10} {c.severity:<8} {c.unit:<10} {c.title}")
        return 0
    if args.what == "laws":
        return _laws()
    if args.what == "profiles":
        from ..checks import load_profile
        from ..checks.catalog import list_profiles

        rows = [(p, load_profile(p).title) for p in list_profiles()]
    elif args.what == "scenarios":
        from ..breach import load_scenarios

        # review trail: how many of each scenario's cited priors someone has checked
        for scn in load_scenarios():
            priors = scn.priors()
            done = sum(1 for p in priors.values() if p.reviewed_by)
            print(f"{scn.id:<28} {scn.title}  [{done}/{len(priors)} priors reviewed]")
        return 0
    else:
        rows = _id_titles(REPO / "training")
    for i, t in rows:
        print(f"{i:<28} {t}")
    if not rows:
        print(f"no {args.what} found")
    return 0


def _reviewed(item) -> str:
    return f"reviewed {item.reviewed_at} by {item.reviewed_by}" if item.reviewed_by else "NOT REVIEWED"


def _source(key: str, sources: dict) -> str:
    """``source: KEY (title)`` of an entry, the title shortened."""
    title = getattr(sources.get(key), "title", "") if key in sources else ""
    return f"source: {key}" + (f" ({title[:60]}{'...' if len(title) > 60 else ''})" if title else "")


def _laws() -> int:
    """Fine regimes, notification obligations and US state rules with their review trail."""
    from ..breach.statutes import load_laws

    laws = load_laws()
    print(f"review trail: an entry names its reviewer only after a person checked it against the statute; "
          f"{sum(1 for r in laws.regimes.values() if r.reviewed_by)} of {len(laws.regimes)} regimes and "
          f"{sum(1 for o in laws.notifications if o.reviewed_by)} of {len(laws.notifications)} obligations reviewed")
    print("fine regimes (assessments/laws.yaml):")
    for rid, r in sorted(laws.regimes.items()):
        force = f"from {r.effective_from}" if r.effective_from else "in force"
        sched = "".join(f"; amounts from {a.effective_from}" for a in r.schedule)
        src = next(iter(t.source for t in (r.tiers or {}).values()), None) or (r.per_subject.source if r.per_subject else "")
        print(f"  {rid:<10} {r.jurisdiction:<6} {force}{sched}  {r.title}  {_source(src, laws.sources)}  [{_reviewed(r)}]")
    print("notification obligations (assessments/laws.yaml):")
    for o in laws.notifications:
        h = "no hour count" if o.deadline_hours is None else f"{o.deadline_hours:g} h"
        print(f"  {o.id:<24} {o.jurisdiction:<4} {h:<14} {o.basis}  {_source(o.source, laws.sources)}  [{_reviewed(o)}]")
    states = laws.states.states if laws.states else {}
    done = sum(1 for r in states.values() if r.reviewed_by)
    print(f"US state breach laws (assessments/us_breach_laws.yaml): {len(states)} rules, {done} reviewed")
    for code, r in sorted(states.items()):
        h = "no hour count" if r.deadline_hours is None else f"{r.deadline_hours / 24:g} days"
        reg = f"regulator from {r.regulator_threshold:,} residents" if r.regulator_threshold else "no regulator notice"
        notice = f"notice content: {len(r.content)} items" if r.content else "notice content: none prescribed"
        notice += f" (confidence {r.content_confidence})" if r.content_confidence else ""
        print(f"  {code:<3} {h:<14} {reg:<34} {r.statute}  {notice}  {_source(r.source, laws.states.sources)}  "
              f"[{_reviewed(r)}]")
    return 0
