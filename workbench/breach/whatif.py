"""What-if: re-evaluate every scenario with one control fixed, on the *same* random draws
(common random numbers), so a reduction is the effect of the control and not Monte Carlo noise.
Because a better posture can only remove loss events or shrink them trial by trial, a fixed
control never raises the expected loss. Controls are ranked by the reduction of the total mean.
Whenever a control saves nothing in a scenario, :func:`zero_reason` says why (already in place,
the scenario does not depend on it, identifiers still exposed elsewhere...).
"""
from __future__ import annotations

from .content import Laws, Scenario
from .engine import Context, Draws, evaluate
from .exposure import Exposure, exposure
from .law import notice_records, regime_high_records, regime_records
from .posture import CONTROLS, PostureInputs
from .text import Joined, Phrase, Term, Text

DOWNTIME_INPUTS = {"immutable_offsite", "restore_tested", "rto_hours"}
INPUT_OF = {"mfa-all-privileged": "mfa_coverage", "train-everyone": "training_completion",
            "encrypt-backups": "backups_encrypted"}
EPS = 0.005   # half a cent: below this a reduction is nothing


def fixed_exposures(dataset, scns: list[Scenario], post: PostureInputs,
                    base: dict[str, Exposure], cache: dict | None = None) -> dict[tuple[str, str], Exposure]:
    """Exposure of each scenario under each fixed control (the base one when unchanged)."""
    out = {}
    for control in CONTROLS:
        fixed = post.fixed(control)
        changed = fixed.extra_encrypted != post.extra_encrypted or fixed.redacted != post.redacted
        for s in scns:
            out[control, s.id] = (exposure(dataset, s, fixed.extra_encrypted, cache, redacted=fixed.redacted)
                                  if changed else base[s.id])
    return out


def scenario_what_if(s: Scenario, d: Draws, ex: Exposure, fixed_ex: dict[tuple[str, str], Exposure],
                     post: PostureInputs, ctx: Context, laws: Laws, base_mean: float,
                     org=None) -> dict[str, float]:
    """Expected annual loss of one scenario with each control fixed (thread-safe, numpy only)."""
    used = {m.input for m in s.vulnerability.moved_by} | (DOWNTIME_INPUTS if s.loss.has_downtime else set())
    fin = post.as_inputs()
    out = {}
    for control in CONTROLS:
        fout = post.fixed(control).as_inputs()
        ex2 = fixed_ex[control, s.id]
        if all(fin[k] == fout[k] for k in used) and ex2 is ex:
            out[control] = base_mean
        else:
            out[control] = evaluate(d, s, ex2, fout, ctx, laws, notice_records(ex2, laws, org, s), per_trial=False,
                                    regime_records=regime_records(ex2, laws, org),
                                    regime_high=regime_high_records(ex2, laws, org)).mean
    return out


def zero_reason(control: str, s: Scenario, ex: Exposure, ex2: Exposure, post: PostureInputs) -> Phrase:
    """Why fixing ``control`` saves nothing in scenario ``s`` (one sentence, ``lawtext.scenario_reason``)."""
    return Text("lawtext.scenario_reason", scenario=Term(s.id, "scenario"), reason=_why_not(control, s, ex, ex2, post))


def _why_not(control: str, s: Scenario, ex: Exposure, ex2: Exposure, post: PostureInputs) -> Text:
    fin, fout = post.as_inputs(), post.fixed(control).as_inputs()
    if control in INPUT_OF:
        name = INPUT_OF[control]
        if name not in {m.input for m in s.vulnerability.moved_by}:
            return Text("reason.not_driven", input=_input(name))
        if fin[name] >= fout[name]:
            return Text("reason.in_place_value", input=_input(name), value=f"{fin[name]:g}")
    elif control == "immutable-offsite-backups":
        if not s.loss.has_downtime:
            return Text("reason.no_downtime")
        if fin["immutable_offsite"] and fin["restore_tested"]:
            return Text("reason.in_place_backups")
    else:   # exposure controls: encryption of ids, redaction of notes
        if ex2.high_risk:
            notes = any(":" in f for f in ex2.sensitive_fields) and control == "encrypt-national-ids"
            return Text("reason.still_high_notes" if notes else "reason.still_high", fields=", ".join(ex2.sensitive_fields))
        if not ex.high_risk:
            return Text("reason.nothing_to_remove")
    return Text("reason.no_effect")


def _input(name: str) -> Term:
    """A posture input: its id in English, its name in the vocabulary (``input.mfa_coverage``) otherwise."""
    return Term(name, "input")


def rank(base_means: dict[str, float], fixed_means: dict[str, dict[str, float]],
         reasons: dict[tuple[str, str], Phrase] | None = None) -> list[dict]:
    """One row per control: total mean with it fixed, the reduction, per-scenario reductions and,
    where it saves nothing, the reasons; ranked by reduction."""
    base_total = sum(base_means.values())
    reasons = reasons or {}
    rows = []
    for control, description in CONTROLS.items():
        by = {sid: fixed_means[sid][control] for sid in base_means}
        mean = sum(by.values())
        red = base_total - mean
        row = {"control": control, "description": description, "mean": round(mean, 2),
               "mean_reduction": round(red, 2),
               "reduction_share": round(red / base_total, 6) if base_total > 0 else 0.0,
               "by_scenario": {k: round(base_means[k] - v, 2) for k, v in sorted(by.items())}}
        zero = {sid: reasons[control, sid] for sid in sorted(by)
                if base_means[sid] - by[sid] < EPS and (control, sid) in reasons}
        if zero:
            row["no_saving"] = zero
        if red < EPS:
            row["reason"] = Joined(zero.values()) if zero else Text("reason.none_affected")
        rows.append(row)
    rows.sort(key=lambda r: (-r["mean_reduction"], r["control"]))
    return [{"rank": i, **r} for i, r in enumerate(rows, 1)]
