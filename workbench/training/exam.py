"""What one trainee is asked: a per-trainee seeded question order, option order and optional pool draw.

Everyone getting the same order (one seed for all) lets answers travel from desk to desk; seeding by
trainee and module keeps each trainee's quiz stable across reloads and reproducible for an audit.
"""
from __future__ import annotations

import hashlib

import numpy as np

from .content import Module, Question


def trainee_rng(seed: int | None, trainee: str = "", module_id: str = "") -> np.random.Generator:
    """A generator for ``trainee`` × ``module_id`` derived from ``seed`` (the plain seed without a trainee)."""
    if not trainee:
        return np.random.default_rng(seed)
    digest = hashlib.sha256(f"{seed}\x1f{module_id}\x1f{trainee}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def arrange(module: Module, rng: np.random.Generator, *, shuffle: bool = True,
            draw: int | None = None) -> tuple[list[Question], dict[str, list[str]]]:
    """Questions to ask (``draw`` of them, or all) in their order, and each question's option order.

    Options are permuted in module order so that the result depends on the generator only; true/false
    options keep their order.
    """
    questions = list(module.questions)
    n = len(questions) if not draw else min(int(draw), len(questions))
    if n < len(questions):  # a pool: draw n of m without replacement, then ask them in module order unless shuffled
        chosen = sorted(rng.choice(len(questions), size=n, replace=False).tolist())
        questions = [questions[i] for i in chosen]
    if shuffle:
        questions = [questions[i] for i in rng.permutation(len(questions))]
    option_order: dict[str, list[str]] = {}
    for q in module.questions:
        ids = [o.id for o in q.options]
        option_order[q.id] = ids if (not shuffle or q.type == "true_false") else [ids[i] for i in rng.permutation(len(ids))]
    return questions, option_order
