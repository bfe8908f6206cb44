"""What-if: re-evaluate every scenario with one control fixed, on the *same* random draws
(common random numbers), so a reduction is the effect of the control and not Monte Carlo noise.
Because a better posture can only remove loss events or shrink them trial by trial, a fixed
control never raises the expected loss. Controls are ranked by the reduction of the total mean.
"""
from __future__ import annotations

from .content import Laws, Scenario
from .engine import Context, Draws, evaluate
from .exposure import Exposure, exposure
from .law import notice_records
from .posture import CONTROLS, PostureInputs

DOWNTIME_INPUTS = {"immutable_offsite", "restore_tested", "rto_hours"}


def fixed_exposures(dataset, scns: list[Scenario], post: PostureInputs,
                    base: dict[str, Exposure], cache: dict | None = None) -> dict[tuple[str, str], Exposure]:
    """Exposure of each scenario under each fixed control (the base one when unchanged)."""
    out = {}
    for control in CONTROLS:
        fixed = post.fixed(control)
        for s in scns:
            out[control, s.id] = (exposure(dataset, s, fixed.extra_encrypted, cache)
                                  if fixed.extra_encrypted != post.extra_encrypted else base[s.id])
    return out


def scenario_what_if(s: Scenario, d: Draws, ex: Exposure, fixed_ex: dict[tuple[str, str], Exposure],
                     post: PostureInputs, ctx: Context, laws: Laws, base_mean: float) -> dict[str, float]:
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
            out[control] = evaluate(d, s, ex2, fout, ctx, laws, notice_records(ex2, laws), per_trial=False).mean
    return out


def rank(base_means: dict[str, float], fixed_means: dict[str, dict[str, float]]) -> list[dict]:
    """One row per control: total mean with it fixed, the reduction, per-scenario reductions; ranked."""
    base_total = sum(base_means.values())
    rows = []
    for control, description in CONTROLS.items():
        by = {sid: fixed_means[sid][control] for sid in base_means}
        mean = sum(by.values())
        rows.append({"control": control, "description": description, "mean": round(mean, 2),
                     "mean_reduction": round(base_total - mean, 2),
                     "reduction_share": round((base_total - mean) / base_total, 6) if base_total > 0 else 0.0,
                     "by_scenario": {k: round(base_means[k] - v, 2) for k, v in sorted(by.items())}})
    rows.sort(key=lambda r: (-r["mean_reduction"], r["control"]))
    return [{"rank": i, **r} for i, r in enumerate(rows, 1)]
