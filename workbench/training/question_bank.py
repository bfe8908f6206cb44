"""A module's questions as an LMS question bank: Moodle XML, GIFT or IMS QTI 1.2.

Every question keeps its id (as the question name), prompt (with the CRM record of a "spot"
question), options, the correct answer(s), per-option feedback and the explanation with its
regulation reference as general feedback. Multiple-answer questions give each right option an equal
share and each wrong option an equal negative share, so that ticking everything scores zero.
"""
from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from .content import Module, Question

FORMATS = ("moodle-xml", "gift", "qti")


def _prompt_html(q: Question, lang: str) -> str:
    record = f"<pre>{html.escape(q.record)}</pre>" if q.record else ""
    return f"<p>{html.escape(q.prompt.get(lang))}</p>{record}"


def _general_feedback(q: Question, lang: str) -> str:
    return f"{q.explanation.get(lang)} ({q.reference})"


def _fractions(q: Question) -> dict[str, float]:
    right = q.correct_ids
    if not q.multi:
        return {o.id: (100.0 if o.id in right else 0.0) for o in q.options}
    wrong = [o.id for o in q.options if o.id not in right]
    return {o.id: (round(100 / len(right), 5) if o.id in right else round(-100 / max(len(wrong), 1), 5))
            for o in q.options}


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def moodle_xml(module: Module, lang: str = "en") -> str:
    """Moodle XML (import: Question bank → Import → Moodle XML format)."""
    quiz = ET.Element("quiz")
    cat = ET.SubElement(quiz, "question", type="category")
    ET.SubElement(ET.SubElement(cat, "category"), "text").text = f"$course$/workbench/{module.id}"
    for q in module.questions:
        kind = "truefalse" if q.type == "true_false" else "multichoice"
        el = ET.SubElement(quiz, "question", type=kind)
        ET.SubElement(ET.SubElement(el, "name"), "text").text = q.id
        qt = ET.SubElement(el, "questiontext", format="html")
        ET.SubElement(qt, "text").text = _prompt_html(q, lang)
        gf = ET.SubElement(el, "generalfeedback", format="html")
        ET.SubElement(gf, "text").text = html.escape(_general_feedback(q, lang))
        ET.SubElement(el, "defaultgrade").text = "1"
        ET.SubElement(el, "tags")  # filled below
        ET.SubElement(el.find("tags"), "tag").append(_text(q.topic))
        if kind == "multichoice":
            ET.SubElement(el, "single").text = "false" if q.multi else "true"
            ET.SubElement(el, "shuffleanswers").text = "true"
            ET.SubElement(el, "answernumbering").text = "abc"
        fractions = _fractions(q)
        for o in q.options:
            ans = ET.SubElement(el, "answer", fraction=f"{fractions[o.id]:g}", format="html" if kind == "multichoice" else "moodle_auto_format")
            ET.SubElement(ans, "text").text = o.id if kind == "truefalse" else html.escape(o.text.get(lang))
            fb = ET.SubElement(ans, "feedback", format="html")
            ET.SubElement(fb, "text").text = html.escape(o.feedback.get(lang)) if o.feedback else ""
    return _xml(quiz)


def _text(value: str) -> ET.Element:
    el = ET.Element("text")
    el.text = value
    return el


def _gift_escape(text: str) -> str:
    for ch in "\\~=#{}:":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split()) if "\n" not in text else text.replace("\n", "\\n")


def gift(module: Module, lang: str = "en") -> str:
    """GIFT text (Moodle and other LMS importers)."""
    out = [f"// {module.id} {module.version}: {module.title.get(lang)}", f"$CATEGORY: $course$/workbench/{module.id}", ""]
    for q in module.questions:
        prompt = q.prompt.get(lang) + (f"\n{q.record}" if q.record else "")
        head = f"::{_gift_escape(q.id)}::{_gift_escape(prompt)}"
        general = f"####{_gift_escape(_general_feedback(q, lang))}"
        if q.type == "true_false":
            out.append(f"{head} {{{'T' if q.answer else 'F'}{general}}}")
        else:
            fractions = _fractions(q)
            lines = []
            for o in q.options:
                fb = f"#{_gift_escape(o.feedback.get(lang))}" if o.feedback else ""
                text = _gift_escape(o.text.get(lang))
                if q.multi:
                    lines.append(f"\t~%{fractions[o.id]:g}%{text}{fb}")
                else:
                    lines.append(f"\t{'=' if fractions[o.id] > 0 else '~'}{text}{fb}")
            out.append(head + " {\n" + "\n".join(lines) + f"\n\t{general}\n}}")
        out.append("")
    return "\n".join(out)


def qti(module: Module, lang: str = "en") -> str:
    """IMS QTI 1.2 ``questestinterop`` (Canvas, Blackboard, many LMS importers)."""
    root = ET.Element("questestinterop")
    assessment = ET.SubElement(root, "assessment", ident=module.id, title=module.title.get(lang))
    section = ET.SubElement(assessment, "section", ident=f"{module.id}-root")
    for q in module.questions:
        item = ET.SubElement(section, "item", ident=q.id, title=q.id)
        meta = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
        kind = {"true_false": "true_false_question"}.get(q.type, "multiple_answers_question" if q.multi
                                                         else "multiple_choice_question")
        field = ET.SubElement(meta, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = "question_type"
        ET.SubElement(field, "fieldentry").text = kind
        pres = ET.SubElement(item, "presentation")
        ET.SubElement(ET.SubElement(pres, "material"), "mattext", texttype="text/html").text = _prompt_html(q, lang)
        lid = ET.SubElement(pres, "response_lid", ident="response1", rcardinality="Multiple" if q.multi else "Single")
        choice = ET.SubElement(lid, "render_choice")
        for o in q.options:
            label = ET.SubElement(choice, "response_label", ident=o.id)
            ET.SubElement(ET.SubElement(label, "material"), "mattext", texttype="text/plain").text = o.text.get(lang)
        proc = ET.SubElement(item, "resprocessing")
        ET.SubElement(ET.SubElement(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE",
                      vartype="Decimal")
        cond = ET.SubElement(proc, "respcondition", attrib={"continue": "No"})
        var = ET.SubElement(cond, "conditionvar")
        parent = ET.SubElement(var, "and") if q.multi else var
        for o in q.options:
            if o.id in q.correct_ids:
                ET.SubElement(parent, "varequal", respident="response1").text = o.id
            elif q.multi:
                ET.SubElement(ET.SubElement(parent, "not"), "varequal", respident="response1").text = o.id
        ET.SubElement(cond, "setvar", action="Set", varname="SCORE").text = "100"
        fb = ET.SubElement(item, "itemfeedback", ident="general_fb")
        ET.SubElement(ET.SubElement(ET.SubElement(fb, "flow_mat"), "material"), "mattext",
                      texttype="text/plain").text = _general_feedback(q, lang)
    return _xml(root)


def export(module: Module, fmt: str, lang: str = "en") -> str:
    """The question bank of ``module`` in ``fmt`` (one of :data:`FORMATS`)."""
    return {"moodle-xml": moodle_xml, "gift": gift, "qti": qti}[fmt](module, lang)
