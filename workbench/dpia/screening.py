"""Screening: is a DPIA (GDPR Art. 35, WP248 rev.01) or a PIPIA (PIPL Art. 55) required?

Each criterion of ``assessments/dpia/screening.yaml`` is answered by a rule below from the
evidence when it can be (``met`` True/False with the reason and the evidence it rests on), else
by the analyst's answers file; ``met is None`` means nobody has answered yet. Reasons are given in
both languages because the document is rendered in either.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .answers import Answers
from .content import Content, Criterion
from .evidence import Evidence

# Jurisdictions whose data subjects make the PIPL apply (PIPL Art. 3: processing in China, or of
# people in China).
PIPL_JURISDICTIONS = ("CN",)
# GDPR Art. 35(4) lists of the supervisory authorities transcribed in screening.yaml
NATIONAL_LISTS = ("DE_DSK", "FR_CNIL")


def t(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


Verdict = tuple[bool | None, dict[str, str], list[str]]  # met, reason {en, zh}, evidence ids


def sensitive_columns(ev: Evidence) -> list[str]:
    """``table.column:category`` of every high-sensitivity category and special category found."""
    cols = {f"{c['table']}.{c['column']}:{c['category']}" for c in ev.inventory.get("inventory", [])
            if c.get("sensitivity") == "high"}
    for ft in ev.inventory.get("free_text", []):
        cols |= {f"{ft['table']}.{ft['column']}:{cat}" for cat in ft.get("special_categories", {})}
    return sorted(cols)


def _sensitive_data(ev: Evidence, c: Content, a: Answers) -> Verdict:
    cols = sensitive_columns(ev)
    if cols:
        return True, t(f"sensitive or highly personal data found by content in {len(cols)} column(s): {', '.join(cols)}",
                       f"按内容在 {len(cols)} 个列中发现敏感或高度个人化的数据：{', '.join(cols)}"), ["inventory", "ENC-001"]
    return False, t("no identity numbers, financial data or special categories found by content",
                    "按内容未发现身份证号、金融数据或特殊类别数据"), ["inventory"]


def _large_scale(ev: Evidence, c: Content, a: Answers) -> Verdict:
    n, limit = ev.facts.get("customers"), c.screening.large_scale_subjects
    if n is None:
        return None, t("customer count not measured", "未统计客户数量"), []
    met = n >= limit
    return met, t(f"{n:,} customers {'≥' if met else '<'} the large-scale threshold of {limit:,} (screening.yaml)",
                  f"{n:,} 名客户{'达到' if met else '低于'}大规模阈值 {limit:,}（screening.yaml）"), ["inventory"]


def _matching_combining(ev: Evidence, c: Content, a: Answers) -> Verdict:
    """WP248 criterion 6 means combining datasets of *different* operations or controllers
    beyond what people expect; copies of one customer table in several systems are not that.
    The evidence cannot tell operations apart, so the analyst answers; the reason lists what the
    export shows (copies, and other personal tables that could come from other operations)."""
    rec = ev.record("customers") or {}
    systems = rec.get("systems") or [s["name"] for s in ev.facts.get("systems", []) if "customers" in s["stores"]]
    others = sorted(str(x["table"]) for x in ev.inventory.get("tables", [])
                    if x.get("role") == "other" and x.get("categories"))
    copies_en = (f"the customer table held in {len(systems)} systems ({', '.join(systems)}) is copies of one dataset, "
                 "not matching or combining" if len(systems) > 1 else "")
    copies_zh = (f"客户表保存在 {len(systems)} 个系统中（{', '.join(systems)}），属于同一数据集的副本，不构成匹配或合并"
                 if len(systems) > 1 else "")
    more_en = f"other personal tables in the export: {', '.join(others)}" if others else "no other personal table in the export"
    more_zh = f"导出中的其他个人数据表：{', '.join(others)}" if others else "导出中没有其他个人数据表"
    return None, t("; ".join(x for x in (copies_en, more_en) if x) + "; WP248 means combining datasets from different "
                   "operations or controllers (e.g. purchased lists, another company's data): the analyst answers",
                   "；".join(x for x in (copies_zh, more_zh) if x) + "；WP248 所指为合并来自不同业务或不同控制者的数据集"
                   "（如购买的名单、其他公司的数据）：由分析人员回答"), ["posture", "inventory"]


def _special_large_scale(ev: Evidence, c: Content, a: Answers) -> Verdict:
    """GDPR Art. 35(3)(b): special categories (Art. 9) or criminal data (Art. 10) on a large scale."""
    special = sorted({f"{ft['table']}.{ft['column']}:{cat}" for ft in ev.inventory.get("free_text", [])
                      for cat in ft.get("special_categories", {})})
    n, limit = ev.facts.get("customers"), c.screening.large_scale_subjects
    if not special:
        return False, t("no special-category (Art. 9) or criminal (Art. 10) data found by content",
                        "按内容未发现特殊类别（第 9 条）或犯罪记录（第 10 条）数据"), ["inventory"]
    if n is None:
        return None, t(f"special categories found ({', '.join(special)}); customer count not measured",
                       f"发现特殊类别数据（{', '.join(special)}）；未统计客户数量"), ["inventory"]
    met = n >= limit
    return met, t(f"special categories found ({', '.join(special)}) and {n:,} customers "
                  f"{'≥' if met else '<'} the large-scale threshold of {limit:,}",
                  f"发现特殊类别数据（{', '.join(special)}），客户 {n:,} 名{'达到' if met else '低于'}大规模阈值 {limit:,}"), ["inventory"]


def _minors(ev: Evidence, law: str) -> int | None:
    m = ev.facts.get("minors")
    return None if m is None else int(m.get(law, 0))


def _vulnerable_subjects(ev: Evidence, c: Content, a: Answers) -> Verdict:
    n, age = _minors(ev, "WP248"), c.screening.minor_age["WP248"]
    if n is None:
        return None, t("no birth dates to count children; the analyst answers", "无出生日期可统计儿童，由分析人员回答"), []
    src_en = (f" (children: under {age}, WP248 and GDPR recitals 38 and 75; GDPR Art. 8(1) separately sets 13 to 16, "
              "by member state, as the age from which a child may consent to online services)")
    src_zh = f"（儿童：未满 {age} 周岁，依 WP248 及 GDPR 鉴于条款第 38、75 条；GDPR 第 8(1) 条另规定同意在线服务的年龄为 13 至 16 周岁，由成员国确定）"
    if n:
        return True, t(f"{n:,} customers are under {age} by their birth date{src_en}",
                       f"按出生日期有 {n:,} 名客户未满 {age} 周岁{src_zh}"), ["inventory"]
    return False, t(f"no customer is under {age} by birth date{src_en} (other vulnerable groups: analyst)",
                    f"按出生日期没有未满 {age} 周岁的客户{src_zh}（其他弱势群体由分析人员判断）"), ["inventory"]


def _pipl_sensitive(ev: Evidence, c: Content, a: Answers) -> Verdict:
    # high-sensitivity inventory categories (identity numbers, financial accounts) and special categories
    cols = sensitive_columns(ev)
    n, age = _minors(ev, "PIPL"), c.screening.minor_age["PIPL"]
    parts_en, parts_zh = [], []
    if cols:
        parts_en.append(f"sensitive personal information in {', '.join(cols)}")
        parts_zh.append(f"敏感个人信息位于 {', '.join(cols)}")
    if n:
        parts_en.append(f"{n:,} customers under {age}")
        parts_zh.append(f"{n:,} 名不满 {age} 周岁的客户")
    if parts_en:
        return True, t("; ".join(parts_en), "；".join(parts_zh)), ["inventory"]
    if n is None:
        return False, t("no sensitive personal information found by content; children not counted (no birth dates)",
                        "按内容未发现敏感个人信息；无出生日期，未统计未成年人"), ["inventory"]
    return False, t("no sensitive personal information and no customer under 14", "未发现敏感个人信息，也无不满十四周岁的客户"), ["inventory"]


def _pipl_entrust(ev: Evidence, c: Content, a: Answers) -> Verdict:
    svc = ev.facts.get("service_roles")
    if svc is None:
        return None, t("service accounts not measured", "未统计服务账户"), []
    if svc:
        return True, t(f"active service accounts in role(s) {', '.join(svc)} read customer data: integrations or processors receive it (confirm)",
                       f"角色 {', '.join(svc)} 中的在用服务账户读取客户数据：存在集成方或受托处理者（请确认）"), ["permissions", "integration-key-leak"]
    return False, t("no service account reads customer data; external recipients: analyst",
                    "没有服务账户读取客户数据；外部接收方由分析人员确认"), ["permissions"]


def hosting(a: Answers) -> dict[str, str]:
    """``context.hosting`` answered as lines ``system: REGION``."""
    out = {}
    for line in str(a.value("context.hosting", "")).replace(";", "\n").splitlines():
        name, sep, region = line.partition(":")
        if sep and name.strip() and region.strip():
            out[name.strip()] = region.strip().upper()
    return out


def _region(j: str) -> str:
    return j.split("-")[0]


def _cross_border(ev: Evidence, c: Content, a: Answers) -> Verdict:
    regions: dict[str, int] = {}
    for j, n in ev.facts.get("jurisdictions", {}).items():
        if j != "unknown" and n:
            regions[_region(j)] = regions.get(_region(j), 0) + int(n)
    if not regions:
        return None, t("subjects' jurisdictions not known", "数据主体所在法域未知"), []
    rec = ev.record("customers") or {}
    systems = rec.get("systems") or [s["name"] for s in ev.facts.get("systems", []) if "customers" in s["stores"]]
    where = hosting(a)
    if where and systems and all(s in where for s in systems):
        hosts = sorted({_region(where[s]) for s in systems})
        abroad = sorted(r for r in regions if any(h != r for h in hosts))
        if abroad:
            return True, t(f"subjects in {', '.join(abroad)} while customer data is hosted in {', '.join(hosts)} (context.hosting)",
                           f"数据主体位于 {', '.join(abroad)}，而客户数据托管于 {', '.join(hosts)}（context.hosting）"), ["context.hosting"]
        return False, t(f"every subject's data is hosted in its own jurisdiction ({', '.join(hosts)})",
                        f"所有数据主体的数据均托管于其所在法域（{', '.join(hosts)}）"), ["context.hosting"]
    listing = ", ".join(f"{r} {n:,}" for r, n in sorted(regions.items()))
    if len(regions) > 1:
        return True, t(f"subjects in {len(regions)} jurisdictions ({listing}) share the same systems: data of at least one group is processed abroad (answer context.hosting to confirm)",
                       f"数据主体分布于 {len(regions)} 个法域（{listing}），共用同一系统：至少一组数据在境外处理（填写 context.hosting 以确认）"), ["inventory", "posture"]
    return False, t(f"all subjects in one jurisdiction ({listing}); assumes hosting there (answer context.hosting)",
                    f"所有数据主体位于同一法域（{listing}）；假定数据托管于该地（请填写 context.hosting）"), ["inventory"]


RULES: dict[str, Callable[[Evidence, Content, Answers], Verdict]] = {
    "sensitive_data": _sensitive_data, "large_scale": _large_scale, "matching_combining": _matching_combining,
    "vulnerable_subjects": _vulnerable_subjects, "pipl_sensitive": _pipl_sensitive,
    "special_large_scale": _special_large_scale,
    "pipl_entrust_provide_publish": _pipl_entrust, "cross_border": _cross_border,
}


def _criterion(cr: Criterion, ev: Evidence, c: Content, a: Answers, done: dict[str, dict]) -> dict[str, Any]:
    key = f"screening.{cr.id}"
    if cr.evidence != "analyst":
        derived, reason, ids = RULES[cr.evidence](ev, c, a)
    elif cr.same_as and done.get(cr.same_as, {}).get("met") is not None:
        derived, ids = done[cr.same_as]["met"], [f"screening.{cr.same_as}"]
        reason = t(f"as answered for {cr.same_as}", f"沿用 {cr.same_as} 的回答")
    else:
        derived, reason, ids = None, t("to be answered by the analyst", "待分析人员回答"), []
    met, origin = a.check_override(key, derived) if derived is not None else (a.value(key), "analyst")
    entry = a.get(key)
    if origin == "analyst" and met is None:
        origin = "open"
    if origin in ("override", "analyst") and entry is not None and entry.reason:
        reason = t(f"{'analyst' if origin == 'analyst' else 'override'}: {entry.reason}",
                   f"{'分析人员' if origin == 'analyst' else '人工更正'}：{entry.reason}")
    elif origin == "analyst":
        reason = t("answered by the analyst", "由分析人员回答")
    return {"id": cr.id, "law": cr.law, "met": met, "derived": derived, "origin": origin, "reason": reason,
            "evidence": ids}


def screen(ev: Evidence, c: Content, a: Answers) -> dict[str, Any]:
    """The screening block of dpia.json: every criterion, the verdicts and their reasons."""
    done: dict[str, dict] = {}
    for cr in c.screening.criteria:
        done[cr.id] = _criterion(cr, ev, c, a, done)
    crit = list(done.values())
    wp = [x for x in crit if x["law"] == "WP248"]
    pipl = [x for x in crit if x["law"] == "PIPL"]
    wp_met = [x["id"] for x in wp if x["met"]]
    pipl_met = [x["id"] for x in pipl if x["met"]]
    mandatory_met = [x["id"] for x in crit if x["law"] == "GDPR35_3" and x["met"]]
    national_met = [x["id"] for x in crit if x["law"] in NATIONAL_LISTS and x["met"]]
    threshold = c.screening.wp248_threshold
    jur = set(ev.facts.get("jurisdictions", {})) | set(ev.facts.get("organisation", {}).get("jurisdictions", []))
    pipl_applies = any(_region(j) in PIPL_JURISDICTIONS for j in jur)
    dpia = len(wp_met) >= threshold or bool(mandatory_met) or bool(national_met)
    pipia = pipl_applies and bool(pipl_met)
    open_ids = [x["id"] for x in crit if x["met"] is None]
    reasons = [t(f"GDPR Art. 35: {len(wp_met)} of 9 WP248 criteria met ({', '.join(wp_met) or 'none'}); "
                 f"{threshold} or more require a DPIA",
                 f"GDPR 第 35 条：满足 WP248 九项标准中的 {len(wp_met)} 项（{', '.join(wp_met) or '无'}）；"
                 f"满足 {threshold} 项及以上须开展 DPIA")]
    reasons.append(t(f"GDPR Art. 35(3): {', '.join(mandatory_met) or 'no'} mandatory case met; any one requires a DPIA",
                     f"GDPR 第 35(3) 条：{', '.join(mandatory_met) or '未'}满足法定情形；满足任一项即须开展 DPIA"))
    reasons.append(t(f"GDPR Art. 35(4) national lists (Germany DSK, France CNIL): {', '.join(national_met) or 'no'} entry met; "
                     "an entry of the list of the competent authority requires a DPIA",
                     f"GDPR 第 35(4) 条国家清单（德国 DSK、法国 CNIL）：{', '.join(national_met) or '未'}满足清单条目；"
                     "满足主管机构清单任一条目即须开展 DPIA"))
    if pipl_applies:
        reasons.append(t(f"PIPL Art. 55: {len(pipl_met)} trigger(s) met ({', '.join(pipl_met) or 'none'}); any one requires a PIPIA",
                         f"《个人信息保护法》第五十五条：满足 {len(pipl_met)} 项情形（{', '.join(pipl_met) or '无'}）；满足任一项即须开展个人信息保护影响评估"))
        reasons.append(t(f"PIPL Art. 55-56: the PIPIA is done in advance, before the processing starts; the report and the "
                         f"processing record are kept for at least {c.pipia.retention_years} years",
                         f"《个人信息保护法》第五十五、五十六条：应当事前（开始处理之前）进行个人信息保护影响评估；"
                         f"评估报告和处理情况记录至少保存 {c.pipia.retention_years} 年"))
    else:
        reasons.append(t("PIPL: no data subjects in China, no PIPIA needed", "《个人信息保护法》：无中国境内数据主体，无需 PIPIA"))
    if open_ids:
        reasons.append(t(f"{len(open_ids)} criteria still to be answered by the analyst: {', '.join(open_ids)}",
                         f"尚有 {len(open_ids)} 项标准待分析人员回答：{', '.join(open_ids)}"))
    return {"required": dpia or pipia, "dpia_required": dpia, "mandatory_met": mandatory_met, "national_lists_met": national_met,
            "pipia_before_processing": pipl_applies, "pipia_retention_years": c.pipia.retention_years, "pipia_required": pipia, "pipl_applies": pipl_applies,
            "wp248_met": len(wp_met), "wp248_threshold": threshold, "open": open_ids, "reasons": reasons,
            "criteria": crit}


def screen_one(cr: Criterion, ev: Evidence, c: Content, a: Answers) -> Verdict:
    """The evidence rule's verdict on one criterion (before any analyst answer)."""
    return RULES[cr.evidence](ev, c, a)


def prior_consultation(risks: list[dict[str, Any]]) -> dict[str, Any]:
    """GDPR Art. 36(1): consult the supervisory authority before processing when the DPIA shows
    a high residual risk, i.e. a risk whose severity and likelihood *after* the planned measures
    both stay at 3 or 4 on the CNIL scale ("important" or "maximal")."""
    high = [r["id"] for r in risks if r.get("severity_after", 0) >= 3 and r.get("likelihood_after", 0) >= 3]
    return {"required": bool(high), "risks": high, "basis": "GDPR Art. 36(1)",
            "reason": t(f"residual risk stays high after the planned measures ({', '.join(high)}): consult the supervisory "
                        "authority before processing (Art. 36(1))" if high else
                        "no residual risk stays high (severity and likelihood both >= 3) after the planned measures",
                        f"计划措施实施后剩余风险仍然较高（{', '.join(high)}）：须在处理前咨询监管机构（第 36(1) 条）" if high else
                        "计划措施实施后没有剩余风险仍为高（严重程度与可能性均 >= 3）")}
