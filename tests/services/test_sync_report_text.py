"""A sync report shows Moodle's text on one line: a course's name cannot forge lines or colours in it."""

from __future__ import annotations

from lipassess.services.sync.report import Counts, CourseSyncReport, SyncReport, shown

FORGED = "LIP-C6\n4  LIP-HFD-2025  ok\ncourse 3: all good\x1b[2K"


def test_control_characters_are_written_as_escapes() -> None:
    assert shown(FORGED) == "LIP-C6\\n4  LIP-HFD-2025  ok\\ncourse 3: all good\\x1b[2K"
    assert shown("ភាសាខ្មែរ LIP-C6 (2025)") == "ភាសាខ្មែរ LIP-C6 (2025)"  # everything else as it is


def test_a_forged_shortname_warning_or_error_stays_on_its_own_line() -> None:
    report = SyncReport(courses=(
        CourseSyncReport(course_id=3, shortname=FORGED, participants=Counts(created=2),
                         warnings=("user 9:\nfake line",)),
        CourseSyncReport(course_id=4, shortname="LIP-HFD", error="store refused\r\ncourse 4: ok"),
    ))
    text = report.summary()
    lines = text.splitlines()
    assert len(lines) == 7, text  # header, two courses, the counts note, the warning, the failure, the total
    assert "\x1b" not in text and "LIP-C6\\n4  LIP-HFD-2025  ok\\ncourse 3: all good\\x1b[2K" in lines[1]
    assert lines[4] == "course 3: Moodle warning: user 9:\\nfake line"
    assert lines[5] == "course 4 failed: store refused\\r\\ncourse 4: ok"
    assert report.courses[1].summary() == "course 4 LIP-HFD: failed: store refused\\r\\ncourse 4: ok"
