"""The weekly report's check-in section (make report): sent, answered, better / same / worse, escalations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from backcare.checkins import CheckinFigures, CheckinStore
from backcare.insight.figures import report_figures
from backcare.insight.report_html import checkin_rows, report_body

SINCE, UNTIL = dt.date(2026, 12, 1), dt.date(2026, 12, 8)


def test_the_report_shows_the_check_ins_from_the_store(tmp_path: Path) -> None:
    store = CheckinStore(f"sqlite:///{tmp_path / 'tracker.db'}")
    consent = dt.datetime(2026, 12, 1, 10, tzinfo=dt.timezone.utc)
    for number, trend, outcome in ((1, "better", "keep_going"), (2, "worse", "see_gp"), (3, "same", "emergency")):
        store.start(f"telegram:{number}", "telegram", consent)
        [claimed] = store.claim_due(consent + dt.timedelta(days=2))
        store.mark_sent(claimed, "telegram", consent + dt.timedelta(days=2))
        store.record_answer(claimed, consent + dt.timedelta(days=2, hours=1), outcome, trend=trend)
    checkins = store.figures(
        dt.datetime.combine(SINCE, dt.time(), dt.timezone.utc), dt.datetime.combine(UNTIL, dt.time(), dt.timezone.utc)
    )
    assert checkins == CheckinFigures(
        offered_to=3, sent=3, answered=3, better=1, same=1, worse=1, escalations=2, stopped=0
    )
    figures = dataclasses.replace(report_figures([], SINCE, UNTIL), checkins=checkins)
    body = report_body(figures)
    assert "Follow-up check-ins" in body
    cells = dict(re.findall(r"<tr><td>([^<]+)</td><td class=n>(\d+)</td></tr>", body))
    for label, value in checkin_rows(checkins):
        assert cells[label] == str(value), label


def test_without_check_in_figures_the_report_has_no_such_section() -> None:
    assert "Follow-up check-ins" not in report_body(report_figures([], SINCE, UNTIL))
