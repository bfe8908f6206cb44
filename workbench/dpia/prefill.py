"""Pre-filled answers to the CNIL PIA questions, from the evidence (counts, ids, categories,
names of roles and systems — never a value from the dataset).

Each rule returns ``(value, evidence ids)``; a text question gets a string, a list question a
list of strings. ``pia.yaml`` names the rule of a question in its ``prefill`` key.
"""
from __future__ import annotations

from collections.abc import Callable

from ..checks.catalog import control_text, owner_text
from ..i18n import maybe, term
from .answers import Answers
from .content import Content
from .evidence import Evidence
from .screening import screen_one

Value = str | list[str]
Rule = Callable[[Evidence, Content, Answers, str], tuple[Value, list[str]]]


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def finding_line(ev: Evidence, cid: str, lang: str) -> str:
    f = ev.finding(cid)
    if f is None:
        return _t(lang, f"{cid}: not assessed", f"{cid}：未评估")
    total = "" if f.get("total") is None else f" / {int(f['total']):,}"
    status = {"pass": ("passes", "通过"), "fail": ("fails", "未通过"), "not_applicable": ("not applicable", "不适用"),
              "insufficient_data": ("insufficient data", "数据不足")}.get(f["status"], (f["status"], f["status"]))
    unit = maybe(f"dpia.unit.{str(f.get('unit', '')).replace(' ', '_')}", str(f.get("unit", "")), lang)
    title = control_text(cid, "title", lang) or f.get("title", "")
    return _t(lang, f"{cid} {status[0]}: {int(f.get('affected', 0)):,}{total} {unit} — {title}",
              f"{cid} {status[1]}：{int(f.get('affected', 0)):,}{total} {unit} — {title}")


def _processing(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    org = ev.facts.get("organisation", {}).get("name", "")
    tables = ", ".join(r["table"] for r in ev.inventory.get("processing_record", []) if r.get("categories"))
    return _t(lang, f"Customer relationship management ({ev.dataset}) by {org or 'the organisation'}: personal data in {tables}.",
              f"{org or '本组织'}的客户关系管理（{ev.dataset}）：个人信息位于 {tables}。"), ["inventory"]


def _data_categories(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    out = []
    for r in ev.inventory.get("processing_record", []):
        if not r.get("categories"):
            continue
        cats = ", ".join(r["categories"] + [f"{s} (special)" for s in r.get("special_categories", [])])
        out.append(_t(lang, f"{r['table']}: {int(r['records']):,} records — {cats}; sensitivity {r.get('sensitivity')}",
                      f"{r['table']}：{int(r['records']):,} 条记录 — {cats}；敏感度 {term('value', r.get('sensitivity'), 'zh')}"))
    return out, ["inventory"]


def _data_subjects(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    j = ev.facts.get("jurisdictions", {})
    out = [_t(lang, f"customers: {ev.facts.get('customers', 0):,} — " + ", ".join(f"{k} {v:,}" for k, v in j.items()),
              f"客户：{ev.facts.get('customers', 0):,} — " + "，".join(f"{k} {v:,}" for k, v in j.items()))]
    if "staff_accounts" in ev.facts:
        out.append(_t(lang, f"staff: {ev.facts['staff_accounts']:,} active CRM accounts", f"员工：{ev.facts['staff_accounts']:,} 个在用 CRM 账户"))
    minors = ev.facts.get("minors")
    if minors is not None:
        ages = c.screening.minor_age
        out.append(_t(lang, "children by birth date: " + ", ".join(f"{v:,} under {ages[k]} ({k})" for k, v in minors.items()),
                      "按出生日期统计的未成年人：" + "，".join(f"未满 {ages[k]} 周岁 {v:,} 人（{k}）" for k, v in minors.items())))
    return out, ["inventory"]


def _recipients(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    f = ev.facts
    if "roles" not in f:
        return [_t(lang, "no permissions.yaml: every role is treated as all-access", "无 permissions.yaml：所有角色视为可访问全部数据")], ["permissions"]
    out = [_t(lang, f"internal roles: {', '.join(f['roles'])}", f"内部角色：{', '.join(f['roles'])}"),
           _t(lang, f"may export: {', '.join(f.get('export_roles', [])) or 'none'}", f"可导出：{', '.join(f.get('export_roles', [])) or '无'}"),
           _t(lang, f"all-access: {', '.join(f.get('all_access_roles', [])) or 'none'}", f"全权限：{', '.join(f.get('all_access_roles', [])) or '无'}")]
    if f.get("service_roles"):
        out.append(_t(lang, f"service accounts (integrations, processors): {', '.join(f['service_roles'])}",
                      f"服务账户（集成方、受托处理者）：{', '.join(f['service_roles'])}"))
    return out, ["permissions", "AC-006"]


def _retention(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    days = ev.facts.get("policies", {}).get("retention_days")
    if days is None:
        return _t(lang, "no retention period declared in posture.yaml", "posture.yaml 未声明保存期限"), ["posture"]
    return _t(lang, f"{days:,} days after the last activity (posture.yaml); {finding_line(ev, 'PRV-002', lang)}",
              f"最后一次活动后 {days:,} 天（posture.yaml）；{finding_line(ev, 'PRV-002', lang)}"), ["posture", "PRV-002"]


def _assets(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    out = []
    for s in ev.facts.get("systems", []):
        enc = f"{s['algorithm'] or 'on'}" if s["encryption_at_rest"] else _t(lang, "OFF", "未启用")
        backup = ", ".join(_t(lang, en, zh) for en, zh, on in (("offsite", "异地", s["offsite"]),
                                                              ("immutable", "不可篡改", s["immutable"])) if on) or "-"
        out.append(_t(lang, f"{s['name']}: stores {', '.join(s['stores'])}; encryption at rest {enc}; TLS ≥ {s['tls_min_version'] or '?'}; "
                      f"field encryption {', '.join(s['field_encryption']) or 'none'}; backups RPO {s['rpo_hours']} h, RTO {s['rto_hours']} h, {backup}",
                      f"{s['name']}：存储 {', '.join(s['stores'])}；静态加密 {enc}；TLS ≥ {s['tls_min_version'] or '?'}；"
                      f"字段加密 {', '.join(s['field_encryption']) or '无'}；备份 RPO {s['rpo_hours']} 小时，RTO {s['rto_hours']} 小时，{backup}"))
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
            parts.append(_t(lang, f"{ft['table']}.{ft['column']}: {ft['affected_records']:,} of {ft['records']:,} free-text records hold {cats}",
                            f"{ft['table']}.{ft['column']}：{ft['records']:,} 条自由文本中有 {ft['affected_records']:,} 条包含 {cats}"))
    return "; ".join(parts), ["PII-001", "inventory"]


def _transfers(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    cr = next(x for x in c.screening.criteria if x.evidence == "cross_border")
    met, reason, ids = screen_one(cr, ev, c, a)
    lead = _t(lang, "Cross-border processing likely: " if met else "No cross-border transfer found: ",
              "可能存在跨境处理：" if met else "未发现跨境传输：")
    tail = _t(lang, " Framing (SCCs, adequacy, CAC assessment, certification or standard contract): to be completed by the analyst.",
              " 合规安排（标准合同条款、充分性认定、网信部门安全评估、认证或标准合同）：待分析人员补充。")
    return lead + reason[lang] + "." + (tail if met else ""), ids


def _existing(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    passing = [f["id"] for f in ev.findings.get("findings", []) if f.get("status") == "pass"]
    out = [finding_line(ev, cid, lang) for cid in passing]
    for s in ev.facts.get("systems", []):
        if s["encryption_at_rest"]:
            out.append(_t(lang, f"{s['name']}: encryption at rest ({s['algorithm'] or 'enabled'}, keys: {s['key_management'] or '?'})",
                          f"{s['name']}：静态加密（{s['algorithm'] or '已启用'}，密钥：{s['key_management'] or '?'}）"))
        if s["field_encryption"]:
            out.append(_t(lang, f"{s['name']}: field encryption of {', '.join(s['field_encryption'])}",
                          f"{s['name']}：字段加密 {', '.join(s['field_encryption'])}"))
        if s["offsite"] and s["immutable"]:
            out.append(_t(lang, f"{s['name']}: immutable offsite backups declared", f"{s['name']}：已声明不可篡改的异地备份"))
    return out, passing + ["posture"]


def _planned(ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    out = [_t(lang, f"{r['id']} ({r.get('owner')}, due {r.get('due_date')}): {r.get('remediation')}",
              f"{r['id']}（{owner_text(str(r.get('owner')), 'zh')}，期限 {r.get('due_date')}）："
              f"{control_text(str(r['id']), 'remediation', 'zh') or r.get('remediation')}") for r in ev.register]
    return out, [str(r["id"]) for r in ev.register]


RULES: dict[str, Rule] = {
    "processing": _processing, "data_categories": _data_categories, "data_subjects": _data_subjects,
    "recipients": _recipients, "retention": _retention, "assets": _assets, "minimisation": _minimisation,
    "retention_check": _check("PRV-002"), "consent_check": _check("PRV-001"), "rights_check": _check("PRV-003"),
    "transfers": _transfers, "existing_measures": _existing, "planned_measures": _planned,
}


def prefilled(rule: str, ev: Evidence, c: Content, a: Answers, lang: str) -> tuple[Value, list[str]]:
    return RULES[rule](ev, c, a, lang)


__all__ = ["RULES", "prefilled", "finding_line"]
