"""The three CNIL risks, each with severity and likelihood on the CNIL 1-4 scale, derived from the
findings and the simulation with every step shown, before and after the planned measures.

Likelihood weighs two measurements equally (ties round up, out of prudence):

* the state of the controls: points of the risk's failing checks (low 1, medium 2, high 3,
  critical 4; a check that could not see its data counts 1, because unknown is not safe), against
  ``check_points_levels`` in ``assessments/dpia/risks.yaml``;
* the simulation: expected loss events per year over the risk's scenarios, against
  ``frequency_levels``. After the planned measures each scenario's frequency shrinks by the share
  of its expected loss the simulator's what-if removes (capped at 90%: no measure removes a threat).

Severity (the impact on data subjects) starts at 2 when personal data is at stake and rises for
what makes the impact worse; measures on the data itself (field encryption, cleaning free text,
immutable copies) lower it after the plan. Analysts may override any level with a reason.
"""
from __future__ import annotations

import math
from typing import Any

from ..checks.catalog import control_text, owner_text
from ..i18n import term
from .answers import Answers
from .content import Content, Risk
from .evidence import Evidence
from .screening import t

POINTS = {"low": 1, "medium": 2, "high": 3, "critical": 4}
UNKNOWN_POINTS = 1
MAX_REDUCTION = 0.9
Step = dict[str, str]


def _level(value: float, thresholds: list[float], strict: bool) -> int:
    return 1 + sum((value > x) if strict else (value >= x) for x in thresholds)


def check_points(ev: Evidence, checks: list[str], fixed: set[str] = frozenset()) -> tuple[int, list[dict[str, Any]]]:
    """Points of the failing (or unverifiable) checks among ``checks``, skipping ``fixed`` ones."""
    total, rows = 0, []
    for cid in checks:
        f = ev.finding(cid)
        status = ev.status(cid)
        pts = 0
        if cid not in fixed:
            if status == "fail":
                pts = POINTS.get(f.get("severity", "medium"), 2)
            elif status == "insufficient_data":
                pts = UNKNOWN_POINTS
        total += pts
        rows.append({"id": cid, "status": status, "severity": f.get("severity") if f else None, "points": pts})
    return total, rows


def frequency(ev: Evidence, scenarios: list[str], after: bool) -> tuple[float | None, list[dict[str, Any]]]:
    """Expected loss events per year over ``scenarios`` (None without a simulation of them)."""
    total, rows, seen = 0.0, [], False
    for sid in scenarios:
        s = ev.scenario(sid)
        if s is None:
            continue
        seen = True
        rate = float(s.get("loss_events_per_year", 0.0))
        share = 0.0
        if after:
            mean = float(s.get("loss", {}).get("mean", 0.0))
            cut = sum(float(w.get("by_scenario", {}).get(sid, 0.0)) for w in ev.simulation.get("what_if", []))
            share = min(MAX_REDUCTION, cut / mean) if mean > 0 else 0.0
            rate *= 1 - share
        total += rate
        rows.append({"id": sid, "events_per_year": round(rate, 6), "what_if_reduction": round(share, 4)})
    return (round(total, 6) if seen else None), rows


def planned_checks(ev: Evidence) -> set[str]:
    """Checks with a remediation in the risk register (the planned measures)."""
    return {str(r["id"]) for r in ev.register if r.get("id")}


def likelihood(ev: Evidence, c: Content, risk: Risk, after: bool) -> tuple[int, list[Step], dict[str, Any]]:
    fixed = planned_checks(ev) if after else set()
    pts, rows = check_points(ev, risk.checks, fixed)
    lc = _level(pts, c.risks.check_points_levels, strict=True)
    freq, srows = frequency(ev, risk.scenarios, after)
    failing = [r["id"] for r in rows if r["points"]]
    steps = [t(f"controls: {pts} point(s) from {len(failing)} failing or unverified check(s)"
               f"{' (' + ', '.join(failing) + ')' if failing else ''}{' after the planned fixes' if after else ''} → level {lc}",
               f"控制措施：{len(failing)} 项未通过或无法验证的检查{'（' + '、'.join(failing) + '）' if failing else ''}"
               f"{'（计划整改后）' if after else ''}计 {pts} 分 → 等级 {lc}")]
    if freq is None:
        level = lc
        steps.append(t("no simulated scenario for this risk: the controls alone decide", "该风险无模拟场景：仅由控制措施决定"))
    else:
        lf = _level(freq, c.risks.frequency_levels, strict=False)
        level = math.ceil((lc + lf) / 2)
        steps.append(t(f"simulation: {freq:.3f} expected loss events per year over {', '.join(r['id'] for r in srows)}"
                       f"{' after the what-if reductions' if after else ''} → level {lf}",
                       f"模拟：{'、'.join(r['id'] for r in srows)} 合计每年预期损失事件 {freq:.3f} 次"
                       f"{'（按假设分析降低后）' if after else ''} → 等级 {lf}"))
        steps.append(t(f"likelihood = ⌈({lc} + {lf}) / 2⌉ = {level}", f"可能性 = ⌈({lc} + {lf}) / 2⌉ = {level}"))
    return level, steps, {"check_points": pts, "checks": rows, "events_per_year": freq, "scenarios": srows}


def _exposure(ev: Evidence, risk: Risk) -> tuple[int, list[str]]:
    recs, sens = 0, set()
    for sid in risk.scenarios:
        s = ev.scenario(sid)
        if s:
            recs = max(recs, int(s.get("exposure", {}).get("records", 0)))
            sens |= set(s.get("exposure", {}).get("sensitive_fields", []))
    return recs, sorted(sens)


def _specials(ev: Evidence) -> list[str]:
    return sorted({cat for ft in ev.inventory.get("free_text", []) for cat in ft.get("special_categories", {})})


def _personal(ev: Evidence) -> bool:
    return any(r.get("categories") for r in ev.inventory.get("processing_record", []))


def _fixed_by_plan(ev: Evidence, checks: tuple[str, ...]) -> bool:
    """True when every failing one of ``checks`` is in the plan (and at least one was failing)."""
    failing = [cid for cid in checks if ev.status(cid) in ("fail", "insufficient_data")]
    return bool(failing) and set(failing) <= planned_checks(ev)


def severity(ev: Evidence, c: Content, risk: Risk, after: bool) -> tuple[int, list[Step]]:
    if not _personal(ev):
        return 1, [t("no personal data found by the inventory → 1", "数据清单未发现个人信息 → 1")]
    steps = [t("personal data at stake (identifying and contact data) → 2", "涉及个人信息（身份与联系方式）→ 2")]
    level = 2
    specials = _specials(ev)
    if risk.id == "illegitimate_access":
        recs, sens = _exposure(ev, risk)
        if sens and not (after and _fixed_by_plan(ev, ("ENC-001", "PII-001"))):
            level += 1
            steps.append(t(f"sensitive fields exposed in the scenarios: {', '.join(sens)} → +1",
                           f"场景中暴露敏感字段：{', '.join(sens)} → +1"))
        elif sens:
            steps.append(t("sensitive fields would be encrypted or removed by the plan (ENC-001, PII-001) → +0",
                           "计划（ENC-001、PII-001）将加密或删除敏感字段 → +0"))
        big = recs >= c.screening.large_scale_subjects
        if specials or big:
            level += 1
            why = f"special categories {', '.join(specials)}" if specials else f"{recs:,} records exposed (large scale)"
            steps.append(t(f"{why} → +1", f"{'特殊类别 ' + '、'.join(specials) if specials else f'暴露 {recs:,} 条记录（大规模）'} → +1"))
        else:
            steps.append(t(f"at most {recs:,} records exposed, below the large-scale threshold → +0",
                           f"最多暴露 {recs:,} 条记录，低于大规模阈值 → +0"))
    elif risk.id == "unwanted_modification":
        tx = ev.record("transactions")
        if (tx and tx.get("records")) or ev.status("PRV-001") in ("pass", "fail"):
            level += 1
            steps.append(t("records drive payments, refunds or consent: altering them harms subjects financially or legally → +1",
                           "记录涉及付款、退款或同意状态：被篡改会造成经济或法律上的损害 → +1"))
        if specials:
            level += 1
            steps.append(t(f"special categories {', '.join(specials)} → +1", f"特殊类别 {'、'.join(specials)} → +1"))
    else:  # disappearance
        no_copy = ev.status("BK-003") in ("fail", "insufficient_data")
        if no_copy and not (after and _fixed_by_plan(ev, ("BK-003",))):
            level += 1
            steps.append(t(f"no immutable offsite copy shown (BK-003 {ev.status('BK-003')}): ransomware or an admin error can destroy every copy → +1",
                           f"无法证明存在不可篡改的异地副本（BK-003 {_zh_status(ev, 'BK-003')}）：勒索软件或管理员失误可能毁掉所有副本 → +1"))
            unreliable = [cid for cid in ("BK-001", "BK-004") if ev.status(cid) in ("fail", "insufficient_data")]
            if len(unreliable) == 2:
                level += 1
                steps.append(t(f"backups not shown to succeed (BK-001 {ev.status('BK-001')}) nor to restore (BK-004 {ev.status('BK-004')}): "
                               "the loss may be irreversible → +1",
                               f"无法证明备份成功（BK-001 {_zh_status(ev, 'BK-001')}）或可恢复（BK-004 {_zh_status(ev, 'BK-004')}）：损失可能不可逆 → +1"))
        elif no_copy:
            steps.append(t("the plan adds an immutable offsite copy (BK-003) → +0", "计划增加不可篡改的异地副本（BK-003）→ +0"))
        else:
            steps.append(t("an immutable offsite copy exists (BK-003 passes) → +0", "存在不可篡改的异地副本（BK-003 通过）→ +0"))
    return min(level, 4), steps


def _zh_status(ev: Evidence, cid: str) -> str:
    """A check's status as a Chinese word (未通过, 数据不足 ...), not the English key."""
    return term("value", ev.status(cid), "zh")


def measures(ev: Evidence, risk: Risk, lang: str = "en") -> dict[str, list[dict[str, Any]]]:
    """Existing measures: passed checks by what they verify; planned: the register's remediations."""
    existing = [{"id": cid, "title": control_text(cid, "verifies", lang) or ev.finding(cid)["title"]}
                for cid in risk.checks if ev.status(cid) == "pass"]
    reg = {str(r["id"]): r for r in ev.register}
    planned = [{"id": cid, "title": control_text(cid, "title", lang) or reg[cid].get("title"),
                "owner": owner_text(str(reg[cid].get("owner")), lang), "due_date": reg[cid].get("due_date"),
                "remediation": control_text(cid, "remediation", lang) or reg[cid].get("remediation")}
               for cid in risk.checks if cid in reg]
    return {"existing": existing, "planned": planned}


def assess_risk(ev: Evidence, c: Content, a: Answers, risk: Risk, lang: str) -> dict[str, Any]:
    """One entry of dpia.json ``risks``."""
    sev, sev_steps = severity(ev, c, risk, after=False)
    lik, lik_steps, lik_inputs = likelihood(ev, c, risk, after=False)
    sev_a, sev_a_steps = severity(ev, c, risk, after=True)
    lik_a, lik_a_steps, lik_a_inputs = likelihood(ev, c, risk, after=True)
    derived = {"severity": sev, "likelihood": lik, "severity_after": sev_a, "likelihood_after": lik_a}
    out: dict[str, Any] = {"id": risk.id, "title": risk.title.get(lang)}
    origin, overrides = {}, []
    for k, v in derived.items():
        key = f"risks.{risk.id}.{k}"
        out[k], origin[k] = a.check_override(key, v)
        if origin[k] == "override":
            overrides.append({"field": k, "derived": v, "value": out[k], "reason": a.get(key).reason})
    scenarios = [s for s in risk.scenarios if ev.scenario(s)]
    failing = [r["id"] for r in lik_inputs["checks"] if r["status"] in ("fail", "insufficient_data")]
    out.update({
        "derived": derived, "origin": origin, "overrides": overrides,
        "sources": risk.sources.get(lang), "threats": risk.threats.get(lang), "impacts": risk.impacts.get(lang),
        "evidence": {"checks": risk.checks, "failing_checks": failing, "scenarios": scenarios},
        "derivation": {"severity": [s[lang] for s in sev_steps], "likelihood": [s[lang] for s in lik_steps],
                       "severity_after": [s[lang] for s in sev_a_steps], "likelihood_after": [s[lang] for s in lik_a_steps]},
        "inputs": {"before": lik_inputs, "after": lik_a_inputs},
        "measures": measures(ev, risk, lang),
    })
    return out


def assess_risks(ev: Evidence, c: Content, a: Answers, lang: str = "en") -> list[dict[str, Any]]:
    return [assess_risk(ev, c, a, r, lang) for r in c.risks.risks]
