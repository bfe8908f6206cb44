"""A module as a SCORM 1.2 package: ``imsmanifest.xml`` plus a static HTML/JS quiz (no kernel).

The page finds the LMS's SCORM 1.2 ``API`` object (in a parent frame or the opener), calls
``LMSInitialize``, shows the lessons, then the questions in exam mode (no answer before the final
submit), and reports ``cmi.core.score.raw`` (0–100, with min/max), ``cmi.core.lesson_status``
(passed/failed against the module's pass mark) and ``cmi.core.session_time``, then ``LMSCommit`` and
``LMSFinish``. Without an LMS it still runs and says that nothing is recorded.

The answer key travels inside the package (a static quiz grades in the browser); an LMS's own
question bank (``workbench export questions``) keeps it server-side.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..boundary import seal_html
from ..i18n import DEFAULT, HTML_LANG, LANGS, section
from .content import Module
from .handout import markdown_to_html

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={ident} version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item" identifierref="sco" isvisible="true">
        <title>{title}</title>
        <adlcp:masteryscore>{mastery}</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
      <file href="quiz.js"/>
    </resource>
  </resources>
</manifest>
"""

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:1em auto;padding:0 1em}}
.q{{border-top:1px solid #ccc;padding:.5em 0}}.ok{{color:#1a7f37}}.ko{{color:#b42318}}</style></head>
<body><h1>{title}</h1><div id="status"></div><div id="app"></div>
<script id="quiz-data" type="application/json">{data}</script>
<script src="quiz.js"></script></body></html>
"""

SCRIPT = r"""(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("quiz-data").textContent);
  var t = data.ui, app = document.getElementById("app"), status = document.getElementById("status");
  var started = Date.now();
  function findAPI(win) {
    for (var n = 0; win && n < 10; n++) {
      if (win.API) return win.API;
      if (win.parent && win.parent !== win) { win = win.parent; } else { break; }
    }
    return null;
  }
  var api = findAPI(window) || (window.opener ? findAPI(window.opener) : null);
  if (api) { api.LMSInitialize(""); } else { status.textContent = t.no_lms; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in (attrs || {})) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function lessons() {
    data.lessons.forEach(function (l) {
      var sec = el("section", {"class": "lesson"});
      sec.appendChild(el("h2", {}, l.title));
      var body = el("div"); body.innerHTML = l.html;  // rendered and escaped when the package was built
      sec.appendChild(body); app.appendChild(sec);
    });
  }
  function quiz() {
    var form = el("form", {id: "quiz"});
    data.questions.forEach(function (q, i) {
      var box = el("fieldset", {"class": "q", "data-id": q.id});
      box.appendChild(el("legend", {}, (i + 1) + ". " + q.prompt));
      if (q.record) box.appendChild(el("pre", {}, q.record));
      q.options.forEach(function (o) {
        var label = el("label", {style: "display:block"});
        var input = el("input", {type: q.multi ? "checkbox" : "radio", name: q.id, value: o.id});
        label.appendChild(input); label.appendChild(document.createTextNode(" " + o.text));
        box.appendChild(label);
      });
      form.appendChild(box);
    });
    var submit = el("button", {type: "submit", id: "submit"}, t.submit);
    form.appendChild(submit);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); finish(form); });
    app.appendChild(form);
  }
  function chosen(form, q) {
    var out = [];
    form.querySelectorAll("input[name='" + q.id + "']").forEach(function (i) { if (i.checked) out.push(i.value); });
    return out.sort();
  }
  function finish(form) {
    var right = 0;
    data.questions.forEach(function (q) {
      var mine = chosen(form, q), key = q.answer.slice().sort();
      var ok = mine.length === key.length && mine.every(function (v, i) { return v === key[i]; });
      if (ok) right++;
      var box = form.querySelector("fieldset[data-id='" + q.id + "']");
      box.appendChild(el("p", {"class": ok ? "ok" : "ko"}, (ok ? t.correct : t.wrong) + " " + q.explanation));
    });
    form.querySelectorAll("input,button").forEach(function (i) { i.disabled = true; });
    var raw = Math.round(100 * right / data.questions.length);
    var passed = raw >= data.mastery;
    var secs = Math.round((Date.now() - started) / 1000);
    var hh = Math.floor(secs / 3600), mm = Math.floor(secs % 3600 / 60), ss = secs % 60;
    function two(n) { return (n < 10 ? "0" : "") + n; }
    if (api) {
      api.LMSSetValue("cmi.core.score.min", "0");
      api.LMSSetValue("cmi.core.score.max", "100");
      api.LMSSetValue("cmi.core.score.raw", String(raw));
      api.LMSSetValue("cmi.core.lesson_status", passed ? "passed" : "failed");
      api.LMSSetValue("cmi.core.session_time", two(hh) + ":" + two(mm) + ":" + two(ss));
      api.LMSCommit("");
      api.LMSFinish("");
    }
    var res = el("h2", {id: "result", "class": passed ? "ok" : "ko"}, t.score + ": " + raw + "% — " + (passed ? t.passed : t.failed));
    app.appendChild(res);
  }
  lessons(); quiz();
})();
"""

def _lang(lang: str) -> str:
    return lang if lang in LANGS else DEFAULT


def quiz_data(module: Module, lang: str = "en") -> dict:
    """What the page needs: lessons (HTML), questions with options, answer key and explanations."""
    questions = []
    for q in module.questions:
        answer = ["true" if q.answer else "false"] if isinstance(q.answer, bool) else sorted(q.correct_ids)
        questions.append({"id": q.id, "prompt": q.prompt.get(lang), "record": q.record or "", "multi": q.multi,
                          "options": [{"id": o.id, "text": o.text.get(lang)} for o in q.options],
                          "answer": answer, "explanation": f"{q.explanation.get(lang)} ({q.reference})"})
    return {"module": module.id, "version": module.version, "mastery": round(module.pass_mark * 100),
            "lessons": [{"title": lesson.title.get(lang), "html": markdown_to_html(lesson.body.get(lang))}
                        for lesson in module.lessons],
            "questions": questions, "ui": section("training.scorm", _lang(lang))}


def package_files(module: Module, lang: str = "en") -> dict[str, str]:
    """File name → text of the SCORM package."""
    data = json.dumps(quiz_data(module, lang), ensure_ascii=False).replace("</", "<\\/")  # no early </script>
    title = escape(module.title.get(lang))
    return {"imsmanifest.xml": MANIFEST.format(ident=quoteattr(f"workbench-{module.id}-{module.version}"),
                                               title=title, mastery=round(module.pass_mark * 100)),
            # CSP: only the package's own quiz.js runs (the quiz data block is not script)
            "index.html": seal_html(PAGE.format(lang=HTML_LANG[_lang(lang)], title=title, data=data),
                                    script_files=True),
            "quiz.js": SCRIPT}


def write_package(module: Module, out: str | Path, lang: str = "en") -> Path:
    """Write the SCORM 1.2 zip to ``out`` atomically (temp file, then rename); fixed timestamps so
    the same module gives the same bytes."""
    import os
    import tempfile

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in package_files(module, lang).items():
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, text.encode("utf-8"))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
