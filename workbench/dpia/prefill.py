"""Pre-filled answers to the CNIL PIA questions, from the evidence (counts, ids, categories,
names of roles and systems — never a value from the dataset).

Each rule returns ``(value, evidence ids)``; a text question gets a string, a list question a
list of strings. ``pia.yaml`` names the rule of a question in its ``prefill`` key.
"""
from __future__ import annotations

from collections.abc import Callable

from ..checks.catalog import control_text, owner_text
from ..i18n import DEFAULT, joined, maybe, t, term
from .answers import Answers
from .content import Content
from .evidence import Evidence
from .screening import screen_one

Value = str | list[str]
Rule = Callable[[Evidence, Content, Answers, str], tuple[Value, list[str]]]


def finding_line(ev: Evidence, cid: str, lang: str) -> str:
    f = ev.finding(cid)
    if f is None:
        return t("dpia.prefill.not_assessed", lang, check=cid)
    total = "" if f.get("total") is None else f" / {int(f['total']):,}"
    status = maybe(f"dpia.check_status.{f['status']}", str(f["status"]), lang)
    unit = maybe(f"dpia.unit.{str(f.get('unit', '')).replace(' ', '_')}", str(f.get("unit", "")), lang)
    title = control_text(cid, "title", lang) or f.get("title", "")
    return t("dpia.prefill.finding", lang, check=cid, status=status, affected=f"{int(f.get('affected', 0)):,}",
             total=total, unit=unit, title=title)


def _processing(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    org = ev.facts.get("organisation", {}).get("name", "")
    tables = ", ".join(r["table"] for r in ev.inventory.get("processing_record", []) if r.get("categories"))
    return t("dpia.prefill.processing", lang, dataset=ev.dataset, tables=tables,
             organisation=org or t("dpia.prefill.the_organisation", lang)), ["inventory"]


def _data_categories(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    out = []
    for r in ev.inventory.get("processing_record", []):
        if not r.get("categories"):
            continue
        cats = ", ".join(r["categories"] + [t("dpia.prefill.special", lang, category=s) for s in r.get("special_categories", [])])
        # English shows the inventory's sensitivity key (low/medium/high), as the inventory does
        sens = r.get("sensitivity") if lang == DEFAULT else term("value", r.get("sensitivity"), lang)
        out.append(t("dpia.prefill.data_category", lang, table=r["table"], records=f"{int(r['records']):,}",
                     categories=cats, sensitivity=sens))
    return out, ["inventory"]


def _data_subjects(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    j = ev.facts.get("jurisdictions", {})
    out = [t("dpia.prefill.customers", lang, n=f"{ev.facts.get('customers', 0):,}",
             by_jurisdiction=joined((f"{k} {v:,}" for k, v in j.items()), lang, "dpia.sep.comma"))]
    if "staff_accounts" in ev.facts:
        out.append(t("dpia.prefill.staff", lang, n=f"{ev.facts['staff_accounts']:,}"))
    minors = ev.facts.get("minors")
    if minors is not None:
        ages = c.screening.minor_age
        counts = (t("dpia.prefill.minors_count", lang, n=f"{v:,}", age=ages[k], law=k) for k, v in minors.items())
        out.append(t("dpia.prefill.minors", lang, counts=joined(counts, lang, "dpia.sep.comma")))
    return out, ["inventory"]


def _listed(roles: list[str], lang: str) -> str:
    return ", ".join(roles) or t("dpia.prefill.none", lang)


def _recipients(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    f = ev.facts
    if "roles" not in f:
        return [t("dpia.prefill.no_permissions", lang)], ["permissions"]
    out = [t("dpia.prefill.roles", lang, roles=", ".join(f["roles"])),
           t("dpia.prefill.export_roles", lang, roles=_listed(f.get("export_roles", []), lang)),
           t("dpia.prefill.all_access_roles", lang, roles=_listed(f.get("all_access_roles", []), lang))]
    if f.get("service_roles"):
        out.append(t("dpia.prefill.service_roles", lang, roles=", ".join(f["service_roles"])))
    return out, ["permissions", "AC-006"]


def _retention(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    days = ev.facts.get("policies", {}).get("retention_days")
    if days is None:
        return t("dpia.prefill.no_retention", lang), ["posture"]
    return t("dpia.prefill.retention", lang, days=f"{days:,}", finding=finding_line(ev, "PRV-002", lang)), ["posture", "PRV-002"]


def _assets(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    out = []
    for s in ev.facts.get("systems", []):
        enc = (s["algorithm"] or t("dpia.prefill.encryption_on", lang)) if s["encryption_at_rest"] \
            else t("dpia.prefill.encryption_off", lang)
        backup = ", ".join(t(f"dpia.prefill.{k}", lang) for k in ("offsite", "immutable") if s[k]) or "-"
        out.append(t("dpia.prefill.asset", lang, system=s["name"], tables=", ".join(s["stores"]), encryption=enc,
                     tls=s["tls_min_version"] or "?", fields=_listed(s["field_encryption"], lang),
                     rpo=s["rpo_hours"], rto=s["rto_hours"], backups=backup))
    return out, ["posture"]


def _check(cid: str) -> Rule:
    def rule(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
        return finding_line(ev, cid, lang), [cid]
    return rule


def _minimisation(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    parts = [finding_line(ev, "PII-001", lang)]
    for ft in ev.inventory.get("free_text", []):
        if ft.get("affected_records"):
            cats = ", ".join(f"{k} {v:,}" for k, v in ft.get("by_category", {}).items())
            parts.append(t("dpia.prefill.free_text", lang, column=f"{ft['table']}.{ft['column']}",
                           affected=f"{ft['affected_records']:,}", records=f"{ft['records']:,}", categories=cats))
    return "; ".join(parts), ["PII-001", "inventory"]


def _transfers(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    cr = next(x for x in c.screening.criteria if x.evidence == "cross_border")
    met, reason, ids = screen_one(cr, ev, c, a)
    return t("dpia.prefill.cross_border" if met else "dpia.prefill.no_cross_border", lang, reason=reason[lang]), ids


def _existing(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    passing = [f["id"] for f in ev.findings.get("findings", []) if f.get("status") == "pass"]
    out = [finding_line(ev, cid, lang) for cid in passing]
    for s in ev.facts.get("systems", []):
        if s["encryption_at_rest"]:
            out.append(t("dpia.prefill.encryption_at_rest", lang, system=s["name"], keys=s["key_management"] or "?",
                         algorithm=s["algorithm"] or t("dpia.prefill.enabled", lang)))
        if s["field_encryption"]:
            out.append(t("dpia.prefill.field_encryption", lang, system=s["name"], fields=", ".join(s["field_encryption"])))
        if s["offsite"] and s["immutable"]:
            out.append(t("dpia.prefill.immutable_backups", lang, system=s["name"]))
    return out, passing + ["posture"]


def _planned(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    out = [t("dpia.prefill.planned", lang, check=r["id"], owner=owner_text(str(r.get("owner")), lang), due=r.get("due_date"),
             remediation=_remediation(r, lang)) for r in ev.register]
    return out, [str(r["id"]) for r in ev.register]


def _remediation(r: dict, lang: str) -> str:
    """The register's remediation; in another language the catalogue's translation of the check's."""
    return r.get("remediation") if lang == DEFAULT else (control_text(str(r["id"]), "remediation", lang) or r.get("remediation"))


RULES: dict[str, Rule] = {
    "processing": _processing, "data_categories": _data_categories, "data_subjects": _data_subjects,
    "recipients": _recipients, "retention": _retention, "assets": _assets, "minimisation": _minimisation,
    "retention_check": _check("PRV-002"), "consent_check": _check("PRV-001"), "rights_check": _check("PRV-003"),
    "transfers": _transfers, "existing_measures": _existing, "planned_measures": _planned,
}


def prefilled(rule: str, ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    return RULES[rule](ev, c, a, lang)


__all__ = ["RULES", "prefilled", "finding_line"]
