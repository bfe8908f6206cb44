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


def zero_reason(control: str, s: Scenario, ex: Exposure, ex2: Exposure, post: PostureInputs) -> str:
    """Why fixing ``control`` saves nothing in scenario ``s`` (one sentence)."""
    fin, fout = post.as_inputs(), post.fixed(control).as_inputs()
    if control in INPUT_OF:
        name = INPUT_OF[control]
        if name not in {m.input for m in s.vulnerability.moved_by}:
            return f"{s.id}: its likelihood does not depend on {name}"
        if fin[name] >= fout[name]:
            return f"{s.id}: already in place ({name} = {fin[name]:g})"
    elif control == "immutable-offsite-backups":
        if not s.loss.has_downtime:
            return f"{s.id}: no downtime in this scenario, so backups do not change its loss"
        if fin["immutable_offsite"] and fin["restore_tested"]:
            return f"{s.id}: already in place (immutable offsite copies, restores tested)"
    else:   # exposure controls: encryption of ids, redaction of notes
        if ex2.high_risk:
            return (f"{s.id}: still high risk after the fix: {', '.join(ex2.sensitive_fields)} exposed in plaintext"
                    + (" (identifiers in free-text notes: redact them too)" if any(":" in f for f in ex2.sensitive_fields)
                       and control == "encrypt-national-ids" else ""))
        if not ex.high_risk:
            return f"{s.id}: exposes no national ids or card numbers in plaintext, so nothing to remove"
    return f"{s.id}: the control changes none of this scenario's inputs or no loss event is affected"


def rank(base_means: dict[str, float], fixed_means: dict[str, dict[str, float]],
         reasons: dict[tuple[str, str], str] | None = None) -> list[dict]:
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
            row["reason"] = "; ".join(zero.values()) or "no scenario is affected"
        rows.append(row)
    rows.sort(key=lambda r: (-r["mean_reduction"], r["control"]))
    return [{"rank": i, **r} for i, r in enumerate(rows, 1)]
