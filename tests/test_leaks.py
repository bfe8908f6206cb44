"""The leak search itself: it must find what a naive substring scan finds."""
from leaks import found_in


def test_found_in_agrees_with_a_substring_scan():
    text = 'x "C0000001" zhang@example.com,420111199703294011;C00000012 tail'
    values = ["C0000001", "zhang@example.com", "4201111997", "C00000012", "absent@example.org", "", "tail"]
    assert found_in(values, text) == sorted(v for v in values if v and v in text)
    assert found_in(values, "nothing here", "only absent@example.org") == ["absent@example.org"]
    assert found_in([], text) == [] and found_in([""], text) == []
