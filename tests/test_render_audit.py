"""Issue 21 items 1-3: every renderer goes through the output boundary, the boundary is the bottom
layer, and every HTML page the project writes carries a Content-Security-Policy.

The audit parses the package (no list kept by hand): every ``HTML(``, ``w.HTML(`` and
``Markdown(`` call must insert values only through a boundary function, and every module that
builds a whole page (``<!DOCTYPE html``) must seal it with ``seal_html``."""
from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from workbench import boundary

PKG = Path(__file__).resolve().parents[1] / "workbench"
# functions of the boundary that make a value safe there (imported under these names): HTML
# escaping is not enough in Markdown, where [x](javascript:…) or a | opens a link or a column
SAFE_CALLS = {"HTML": {"safe_html", "escape"}, "Markdown": {"md", "md_code", "md_text", "md_fence"}}
# calls whose argument is not an f-string, each with why it is safe
NOT_FSTRING = {
    ("training/assignments.py", "text + '.'"): "counts only (ints computed from the store)",
    ("breach/playbook.py", "markdown(sim)"): "playbook.markdown escapes each value (tested below)",
    ("i18n.py", "t(key, **{k: md(v) for k, v in values.items()})"): "catalogue text, every value through md (tested below)",
}
HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>**x**|[l](javascript:alert(3))\x1b[31m"


def _imports_safe_names_from_the_boundary(tree: ast.Module) -> bool:
    """A module whose escaping names (``escape``, ``md`` …) come from the boundary or masking,
    never from ``html`` or elsewhere."""
    names = {n for v in SAFE_CALLS.values() for n in v}
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom) and any((a.asname or a.name) in names for a in n.names):
            if (n.module or "").split(".")[-1] not in ("boundary", "masking", "presentation"):
                return False
    return True


def _modules() -> list[tuple[str, ast.Module]]:
    return [(str(p.relative_to(PKG)), ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(PKG.rglob("*.py"))]


def _render_calls() -> list[tuple[str, int, ast.Call, str]]:
    out = []
    for rel, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name in ("HTML", "Markdown"):
                    out.append((rel, node.lineno, node, name))
    return out


def _unsafe_parts(arg: ast.expr, safe: set[str]) -> list[str]:
    """Interpolated expressions of an f-string argument that do not pass a boundary function."""
    bad = []
    for v in arg.values:
        if isinstance(v, ast.FormattedValue):
            e = v.value
            # a boundary function by name (``html.escape`` and other look-alikes do not count)
            ok = isinstance(e, ast.Call) and ((isinstance(e.func, ast.Name) and e.func.id in safe) or
                                              (isinstance(e.func, ast.Attribute) and e.func.attr in safe
                                               and getattr(e.func.value, "id", "") in ("boundary", "masking")))
            # a subscript of the UI catalogue (t['x'], ui['x'], L['x']) is project text, not data
            ok = ok or (isinstance(e, ast.Subscript) and isinstance(e.value, ast.Name) and e.value.id in ("t", "ui", "L"))
            if not ok:
                bad.append(ast.unparse(e))
    return bad


def test_every_html_and_markdown_call_goes_through_the_boundary():
    calls = _render_calls()
    files = {rel for rel, _, _, _ in calls}
    # the audit really sees the renderers (onboarding review, DPIA widgets, training banners, progress)
    assert {"onboarding/review.py", "dpia/widgets.py", "training/session.py", "notebook.py"} <= files, files
    problems = []
    for rel, line, call, kind in calls:
        for arg in call.args:
            if isinstance(arg, ast.Constant):
                continue
            if isinstance(arg, ast.JoinedStr):
                problems += [f"{rel}:{line}: {p}" for p in _unsafe_parts(arg, SAFE_CALLS[kind])]
            elif isinstance(arg, ast.Call) and getattr(arg.func, "id", getattr(arg.func, "attr", "")) in SAFE_CALLS[kind]:
                continue  # the whole argument is a boundary function's result
            elif (rel, ast.unparse(arg)) not in NOT_FSTRING:
                problems.append(f"{rel}:{line}: {ast.unparse(arg)}")
    assert problems == [], "values reach HTML/Markdown without the boundary:\n" + "\n".join(problems)


# local names in widget HTML that hold markup the same function built from escaped parts
WIDGET_PARTS = {("training/widgets.py", n) for n in ("module_title", "record", "hint", "number")}


def test_widget_html_values_go_through_the_boundary():
    """``x.value = f"<…{v}…>"`` (an HTML widget's content): every inserted value escaped."""
    problems, seen = [], 0
    for rel, tree in _modules():
        for n in ast.walk(tree):
            if not (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Attribute)
                    and n.targets[0].attr == "value" and isinstance(n.value, ast.JoinedStr)):
                continue
            if "<" not in "".join(v.value for v in n.value.values if isinstance(v, ast.Constant)):
                continue
            seen += 1
            for part in _unsafe_parts(n.value, SAFE_CALLS["HTML"]):
                constant_choice = part.startswith("'") and " if " in part
                if (rel, part) not in WIDGET_PARTS and not constant_choice and not part.startswith("self.t["):
                    problems.append(f"{rel}:{n.lineno}: {part}")
    assert seen >= 8 and problems == [], problems


def test_every_page_writer_seals_its_page_with_a_csp():
    writers = [rel for rel, tree in _modules() if rel != "boundary.py"
               and any(isinstance(n, ast.Constant) and isinstance(n.value, str) and "<!DOCTYPE html" in n.value
                       for n in ast.walk(tree))]
    assert {"report/export.py", "dpia/render.py", "breach/playbook.py", "training/handout.py",
            "training/scorm.py"} <= set(writers), writers
    unsealed = [rel for rel in writers if "seal_html(" not in (PKG / rel).read_text(encoding="utf-8")]
    assert unsealed == []


def test_escaping_names_are_the_boundarys_own():
    # scorm.py escapes its XML manifest with xml.sax.saxutils.escape (XML, not HTML)
    wrong = [rel for rel, tree in _modules() if not _imports_safe_names_from_the_boundary(tree)]
    assert wrong in ([], ["training/scorm.py"]) and "from xml.sax.saxutils import escape" in \
        (PKG / "training" / "scorm.py").read_text(encoding="utf-8")


def test_boundary_is_the_bottom_layer():
    """boundary.py imports nothing of the package but the secret redaction, which imports nothing
    of the package either (no function-level import either); errors.py imports only the boundary;
    masking.py only the boundary and the pseudonym key."""
    def package_imports(rel: str) -> set[str]:
        tree = ast.parse((PKG / rel).read_text(encoding="utf-8"))
        found = set()
        for n in ast.walk(tree):
            if isinstance(n, ast.ImportFrom) and (n.level > 0 or (n.module or "").startswith("workbench")):
                found.add(("." * n.level) + (n.module or ""))
            elif isinstance(n, ast.Import):
                found |= {a.name for a in n.names if a.name.startswith("workbench")}
        return found

    assert package_imports("boundary.py") == {".redaction"}
    assert package_imports("redaction.py") == set()
    # errors.py: the boundary at module level; the message catalogue only inside functions (an error
    # raised with a catalogue key renders its text from assessments/i18n; i18n itself imports errors)
    assert package_imports("errors.py") == {".boundary", ".i18n"}
    top = {("." * n.level) + (n.module or "") for n in ast.parse((PKG / "errors.py").read_text(encoding="utf-8")).body
           if isinstance(n, (ast.ImportFrom, ast.Import))}
    assert ".i18n" not in top
    assert package_imports("masking.py") == {".boundary", ".pseudonyms"}
    assert not re.search(r"import_module|__import__", (PKG / "boundary.py").read_text())


def test_the_boundary_masks_with_the_detectors_the_package_hands_it_and_fails_closed_without(monkeypatch):
    assert boundary.mask_text("mail jane.doe@example.com now") == "mail j***@example.com now"
    with monkeypatch.context() as m:
        m.setattr(boundary, "_finder", None)
        with pytest.raises(RuntimeError, match="no PII finder"):
            boundary.safe_message("mail jane.doe@example.com now")
    assert "jane.doe" not in boundary.md("jane.doe@example.com") and "jane.doe" not in boundary.safe_html("jane.doe@example.com")


class _Live(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "script") or any(k.startswith("on") for k, _ in attrs) or \
                any((v or "").startswith("javascript") for _, v in attrs):
            self.live.append(tag)


def _live(html_text: str) -> list[str]:
    p = _Live()
    p.feed(html_text)
    return p.live


def _render_md(text: str) -> str:
    """Markdown as nbconvert renders it (mistune; raw HTML passes through)."""
    import mistune

    return str(mistune.create_markdown(escape=False, plugins=["table"])(text))


@pytest.mark.parametrize("value", [HOSTILE, "`a` ``b`` <b>", "1. # - + x", "a|b|c", "\\<script>"])
def test_markdown_escaping_renders_the_text_itself(value):
    out = _render_md(f"| h |\n|---|\n| {boundary.md(value)} |\n\n# {boundary.md(value)}\n\nx {boundary.md_code(value)} y")
    assert _live(out) == [] and "<strong>" not in out and "<a " not in out
    assert out.count("<td>") == 1  # one table cell: a | in the value opened no column


def test_playbook_markdown_and_html_escape_every_value():
    from types import SimpleNamespace as NS

    from workbench.breach import playbook

    r = {"jurisdiction": HOSTILE, "to": HOSTILE, "basis": HOSTILE, "records": 3, "trigger": HOSTILE,
         "deadline_hours": None, "deadline": HOSTILE, "obligation": "o1", "content": [HOSTILE, "ok"]}
    scen = NS(id=HOSTILE, title=HOSTILE)
    ex = NS(records=3, via=HOSTILE, fields=[HOSTILE], sensitive_fields=[HOSTILE])
    sim = NS(dataset=HOSTILE + " jane.doe@example.com", as_of="2026-09-30",
             organisation={"name": HOSTILE, "established_in": [HOSTILE]},
             outcomes=[NS(scenario=scen, exposure=ex, notifications=[r], exemptions=[r])])
    md_text = playbook.markdown(sim)
    assert "<script" not in md_text and "<img" not in md_text and "jane.doe" not in md_text
    rendered = _render_md(md_text)
    assert _live(rendered) == [] and "alert(2)" in rendered  # shown as text
    page = playbook.to_html(sim)
    assert _live(page) == [] and "jane.doe" not in page and "\x1b" not in page
    assert "Content-Security-Policy" in page and "script-src 'none'" in page


def test_review_widget_shows_a_hostile_table_label_as_text(tmp_path):
    from workbench.onboarding.draft import draft_dataset
    from workbench.onboarding.review import mapping_editor
    from workbench.sample import generate_sample

    src = tmp_path / "src"
    generate_sample(src, customers=200, seed=1)
    for f in src.glob("*.yaml"):
        f.unlink()
    hostile = src / "Contact<img src=x onerror=alert(1)>.csv"
    (src / "customers.csv").rename(hostile)
    ed = mapping_editor(draft_dataset(src))
    labels = [c.value for box in ed.widget.children for c in box.children if type(c).__name__ == "HTML"]
    assert any("Contact&lt;img" in v for v in labels), labels
    assert all(_live(v) == [] for v in labels)


def test_dpia_widget_rows_and_progress_escape():
    import ipywidgets as w

    from workbench.dpia.widgets import DpiaSession

    ed = DpiaSession.__new__(DpiaSession)
    ed.answers = __import__("workbench.dpia.answers", fromlist=["Answers"]).Answers()
    row = ed._row(w, "k<b>", HOSTILE, HOSTILE + " jane.doe@example.com", "text", ("a", "b", "c", "d"),
                  __import__("collections").defaultdict(str))
    head = row.children[0].value
    assert _live(head) == [] and "jane.doe" not in head and "&lt;img" in head


@pytest.mark.parametrize("writer", ["playbook", "handout"])
def test_written_pages_carry_a_csp_that_allows_no_script(writer, tmp_path):
    if writer == "playbook":
        from types import SimpleNamespace as NS

        from workbench.breach import playbook
        page = playbook.to_html(NS(dataset="d", as_of="2026-01-01", organisation={}, outcomes=[]))
    else:
        from workbench.training.handout import handout
        from workbench.training.content import load_module
        page = handout(load_module("privacy-law-basics"), fmt="html", trainee=HOSTILE)
        assert _live(page.split("</head>", 1)[1]) == []
    head = page.split("<head>", 1)[1] if "<head>" in page else page.split("<head ", 1)[1]
    assert head.lstrip().startswith('<meta http-equiv="Content-Security-Policy"')
    assert "default-src 'none'" in head and "script-src 'none'" in head


def test_seal_html_hashes_only_the_named_scripts():
    own = "console.log('own')"
    page = boundary.seal_html(f"<html><head></head><body><script>{own}</script><script>alert(1)</script></body></html>",
                              boundary.inline_scripts(f"<script>{own}</script>"))
    policy = re.search(r'content="([^"]*)"', page).group(1)
    assert f"script-src {boundary.script_hash(own)};" in policy
    assert boundary.script_hash("alert(1)") not in policy and "unsafe" not in policy.split("style-src")[0]


# package functions whose Markdown a notebook may display: each escapes what it inserts
# narrative.section, playbook.first_hour_markdown: text from the message catalogue only (no value of the data)
NOTEBOOK_MARKDOWN = {"playbook.first_hour_markdown", "ex.summary_markdown", "narrative.status_legend", "narrative.loss_explanation",
                     "narrative.section"}


def test_notebooks_display_markdown_only_from_escaping_package_functions():
    import json

    seen = set()
    for nb in sorted((PKG.parent / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Markdown", "HTML"):
                    arg = node.args[0]
                    assert isinstance(arg, ast.Call), f"{nb.name}: {ast.unparse(node)}"
                    seen.add(ast.unparse(arg.func))
    assert seen and seen <= NOTEBOOK_MARKDOWN, seen


def test_md_fence_cannot_be_closed_from_inside():
    body = "name: x\ncol: '```\n<script>alert(1)</script>'\n````"
    block = boundary.md_fence(body + "\x1b[2J", "yaml")
    rendered = _render_md(block + "\nafter")
    assert _live(rendered) == [] and rendered.count("<pre>") == 1 and "\x1b" not in block
    assert "&lt;script&gt;" in rendered and "<p>after</p>" in rendered


def test_summary_markdown_prose_is_escaped():
    from workbench.presentation import text

    rendered = _render_md(f"Dataset *{text(HOSTILE)}*, data as of {text('2026-09-30')}.")
    assert _live(rendered) == [] and "<a " not in rendered and "2026-09-30" in rendered


@pytest.mark.parametrize("origin", ["none", "dataset", "store"])
def test_training_dashboard_banner_escapes_names(origin):
    import datetime as dt

    from workbench.training.session import DashboardConfig

    cfg = DashboardConfig(store=f"sqlite:///{HOSTILE}.db", simulated=False, as_of=dt.date(2026, 9, 30), users=None,
                          dataset_name=HOSTILE, origin=origin, note=HOSTILE)
    rendered = _render_md(cfg.banner().data)
    assert _live(rendered) == [] and "<a " not in rendered and "\x1b" not in rendered


def test_catalogue_markdown_escapes_inserted_values(monkeypatch):
    from workbench import i18n

    monkeypatch.setattr(i18n, "t", lambda key, **values: "Dataset {name}".format(**values))
    rendered = _render_md(i18n.markdown("x", name=HOSTILE).data)
    assert _live(rendered) == [] and "<a " not in rendered and "alert(2)" in rendered
