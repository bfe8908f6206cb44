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


def scenario_mean(dataset, s: Scenario, d: Draws, ex: Exposure, post: PostureInputs, ctx: Context,
                  laws: Laws) -> float:
    """Expected annual loss of one scenario under ``post`` (exposure recomputed when it changes)."""
    return evaluate(d, s, ex, post.as_inputs(), ctx, laws, notice_records(ex, laws), per_trial=False).mean


def what_if(dataset, scns: list[Scenario], cache: dict[str, tuple[Draws, Exposure]], post: PostureInputs,
            ctx: Context, laws: Laws, base_means: dict[str, float],
            controls: dict[str, str] | None = None) -> list[dict]:
    """One row per control: total mean with the control fixed, its reduction, per-scenario reductions."""
    base_total = sum(base_means.values())
    rows = []
    for control, description in (controls or CONTROLS).items():
        fixed = post.fixed(control)
        fin, fout = post.as_inputs(), fixed.as_inputs()
        by = {}
        for s in scns:
            d, ex = cache[s.id]
            used = {m.input for m in s.vulnerability.moved_by} | (DOWNTIME_INPUTS if s.loss.has_downtime else set())
            ex2 = exposure(dataset, s, fixed.extra_encrypted) if fixed.extra_encrypted != post.extra_encrypted else ex
            if all(fin[k] == fout[k] for k in used) and ex2.to_dict() == ex.to_dict():
                by[s.id] = base_means[s.id]
            else:
                by[s.id] = scenario_mean(dataset, s, d, ex2, fixed, ctx, laws)
        mean = sum(by.values())
        rows.append({"control": control, "description": description, "mean": round(mean, 2),
                     "mean_reduction": round(base_total - mean, 2),
                     "reduction_share": round((base_total - mean) / base_total, 6) if base_total > 0 else 0.0,
                     "by_scenario": {k: round(base_means[k] - v, 2) for k, v in sorted(by.items())}})
    rows.sort(key=lambda r: (-r["mean_reduction"], r["control"]))
    return [{"rank": i, **r} for i, r in enumerate(rows, 1)]
