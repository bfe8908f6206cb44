"""Texts of the trainee app (widgets), English and Simplified Chinese."""
from __future__ import annotations

UI = {
    "en": {"back": "Back", "next": "Next", "finish": "Finish", "check": "Check answer", "retry": "Retry missed questions",
           "lesson": "Lesson", "question": "Question", "of": "of", "result": "Result", "correct": "✔ Correct.",
           "wrong": "✘ Not quite.", "answer_is": "Correct answer", "why": "Explanation", "ref": "Reference",
           "choose": "Choose an answer first.", "score": "Your score", "passed": "PASSED", "failed": "NOT PASSED",
           "pass_mark": "pass mark", "missed": "Questions to review", "recorded": "Attempt recorded (#{id}).",
           "not_recorded": "Not recorded: enter your trainee id above and press Finish again.",
           "store_error": "Could not record the attempt: {err}", "trainee": "Trainee id", "select_all":
           "Select all that apply.", "all_right": "All questions answered correctly.", "round": "Retry round {n}",
           "practice_note": "Practice: answers are shown as you go; this does not count as your score.",
           "exam_note": "Exam: your answers are checked when you press Finish.",
           "capped": "You have used your {n} exam attempt(s) for this module: this session is practice.",
           "save_again": "Save again", "signed_in": "Signed in as", "self_declared": "self-declared",
           "not_on_roster": "'{id}' is not on the staff roster: check your id and press Save again.",
           "review": "Review", "your_answer": "Your answer", "practice_recorded": "Practice recorded (#{id}); "
           "your score of record is unchanged."},
    "zh": {"back": "上一页", "next": "下一页", "finish": "完成", "check": "提交答案", "retry": "重做错题",
           "lesson": "课程", "question": "题目", "of": "/", "result": "结果", "correct": "✔ 回答正确。",
           "wrong": "✘ 回答不正确。", "answer_is": "正确答案", "why": "解析", "ref": "依据",
           "choose": "请先选择答案。", "score": "你的得分", "passed": "通过", "failed": "未通过",
           "pass_mark": "及格线", "missed": "需要复习的题目", "recorded": "成绩已记录（#{id}）。",
           "not_recorded": "未记录：请在上方输入学员编号后再次点击“完成”。",
           "store_error": "成绩记录失败：{err}", "trainee": "学员编号", "select_all": "多选题：请选择所有正确项。",
           "all_right": "全部回答正确。", "round": "第 {n} 轮重做",
           "practice_note": "练习模式：每题即时显示答案，不计入正式成绩。",
           "exam_note": "考试模式：点击“完成”后统一评分。",
           "capped": "本模块的 {n} 次考试机会已用完：本次为练习。",
           "save_again": "重新保存", "signed_in": "当前用户", "self_declared": "自行填写",
           "not_on_roster": "“{id}”不在员工名册中：请核对编号后点击“重新保存”。",
           "review": "答案解析", "your_answer": "你的答案", "practice_recorded": "练习已记录（#{id}），正式成绩不变。"},
}
