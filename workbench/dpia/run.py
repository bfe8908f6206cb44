"""``run_dpia``: what ``workbench dpia`` and the notebook do — gather evidence, apply the answers,
write dpia.json + dpia.html (and dpia.pdf) into a folder, all or nothing."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..boundary import output_mode
from ..errors import InputError
from .answers import Answers, load_answers
from .content import LANGS, load_content
from .document import build
from .evidence import Evidence, gather

OUTPUTS = ("dpia.json", "dpia.html", "dpia.pdf")


def _check_out(out: Path) -> None:
    """Refuse a folder holding files this command did not write (DESIGN: nothing is deleted that
    the program did not create)."""
    if out.exists() and not out.is_dir():
        raise InputError.of("error.dpia.out_file", path=out)
    if out.is_dir():
        others = sorted(p.name for p in out.iterdir() if p.name not in OUTPUTS and not p.name.startswith(".dpia"))
        if others:
            raise InputError.of("error.dpia.out_others", path=out, names=", ".join(others[:3]) + ("..." if len(others) > 3 else ""))


def write_dpia(doc: dict[str, Any], out_dir: str | Path, *, pdf: bool = False) -> dict[str, Path]:
    """Write dpia.json and dpia.html (and dpia.pdf) into ``out_dir``: rendered in a temporary folder
    beside it, then moved into place, so a failure leaves the previous DPIA intact."""
    from ..files import write_json_atomic
    from .render import render_html

    out = Path(out_dir)
    _check_out(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".dpia-", dir=out) as tmp_name:
        tmp = Path(tmp_name)
        write_json_atomic(tmp / "dpia.json", doc, sort_keys=False)
        (tmp / "dpia.html").write_text(render_html(doc), encoding="utf-8")
        names = ["dpia.json", "dpia.html"]
        if pdf:
            from ..report.export import write_pdf
            write_pdf(tmp / "dpia.html", tmp / "dpia.pdf")
            names.append("dpia.pdf")
        paths = {}
        for n in names:
            os.chmod(tmp / n, output_mode())  # the user's umask, like every other output
            os.replace(tmp / n, out / n)
            paths[n.split(".")[1]] = out / n
    return paths


def run_dpia(dataset: str | Path | Any, out_dir: str | Path | None = None, *, as_of: str | None = None,
             answers: str | Path | Answers | None = None, lang: str = "en", pdf: bool = False, trials: int = 20_000,
             seed: int = 7, evidence: Evidence | None = None,
             progress: Callable[[str], None] | None = None) -> tuple[dict[str, Any], dict[str, Path]]:
    """Gather evidence for ``dataset``, apply ``answers`` and (with ``out_dir``) write the files."""
    if lang not in LANGS:
        raise InputError.of("error.dpia.lang", value=lang, known=", ".join(LANGS))
    content = load_content()
    ans = answers if isinstance(answers, Answers) else load_answers(answers, content)
    if out_dir is not None:
        _check_out(Path(out_dir))
    if evidence is None:
        if isinstance(dataset, (str, Path)):
            from ..dataset import load_dataset
            dataset = load_dataset(dataset, as_of=as_of)
        evidence = gather(dataset, trials=trials, seed=seed, progress=progress)
    doc = build(evidence, content, ans, lang=lang, trials=trials, seed=seed)
    paths = write_dpia(doc, out_dir, pdf=pdf) if out_dir is not None else {}
    return doc, paths


__all__ = ["run_dpia", "write_dpia", "OUTPUTS"]
