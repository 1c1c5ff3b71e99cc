"""The weekly report as one self-contained HTML file: matplotlib charts inlined as SVG (no script, no CDN, no
network), a table beside each chart with the same numbers, and a layout that reads on a phone."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server; must come before pyplot
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from backcare.checkins.store import CheckinFigures
from backcare.insight.figures import Funnel, ReportFigures

# Small figures with large type: the SVG is scaled to the screen, so a phone still reads the labels.
plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.size": 13,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "backspasm",
    }
)
BLUE, ORANGE, RED, GREEN, GREY = "#1f5f99", "#c25400", "#b00020", "#2e7d32", "#666666"
LEVEL_COLOURS = {"emergency": RED, "urgent": ORANGE, "routine": GREEN}

# The report's own parts (also used by the staff console, which shows the report inside its pages) and the page's.
PARTS_CSS = """
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:.6rem}
.tile{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.6rem}
.tile b{display:block;font-size:1.4rem}.tile span{color:#444;font-size:.85rem}
section{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.8rem;margin:.8rem 0}
figure{margin:0}svg{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #eee}td.n,th.n{text-align:right}
.note{color:#444;font-size:.85rem}
"""
CSS = (
    """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
main{max-width:960px;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
"""
    + PARTS_CSS
)


def _svg(figure: plt.Figure, label: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # Scalable on a phone: keep the viewBox, drop the fixed size; a text alternative for screen readers.
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    return svg.replace("<svg", f'<svg role="img" aria-label="{html.escape(label)}"', 1)


def _bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    label: str,
    colours: Sequence[str] | str = BLUE,
    horizontal: bool = False,
) -> str:
    figure, axes = plt.subplots(figsize=(5.5, max(2.2, 0.45 * len(labels) + 0.8) if horizontal else 3))
    if horizontal:
        axes.barh(list(labels)[::-1], list(values)[::-1], color=colours[::-1] if isinstance(colours, list) else colours)
    else:
        axes.bar(list(labels), list(values), color=colours)
    (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(nbins=5, integer=True))
    axes.set_title(label, loc="left")
    return _svg(figure, label)


def _daily_chart(figures: ReportFigures) -> str:
    days = list(figures.per_day)
    figure, axes = plt.subplots(figsize=(5.5, 3))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    names = [day.strftime("%a %d") for day in days]
    axes.bar(names, [figures.per_day[d][0] for d in days], color=BLUE, label="conversations")
    axes.plot(names, [figures.per_day[d][1] for d in days], color=ORANGE, marker="o", label="messages")
    axes.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.08), ncol=2)
    axes.tick_params(axis="x", labelrotation=45 if len(names) > 4 else 0)
    return _svg(figure, "Conversations and messages per day")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th{' class=n' if i else ''}>{html.escape(h)}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i else ''}>{html.escape(str(v))}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def _funnel_rows(funnel: Funnel) -> list[tuple[str, int]]:
    rows = [("started", funnel.started), ("completed", funnel.completed)]
    return rows + [(f"left at: {question.replace('_', ' ')}", n) for question, n in funnel.abandoned_at.items()]


def _section(title: str, *parts: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{''.join(parts)}</section>"


def period_words(figures: ReportFigures) -> str:
    last_day = figures.until - dt.timedelta(days=1)
    return f"{figures.since:%a %d %b %Y} to {last_day:%a %d %b %Y}"


def report_body(figures: ReportFigures, labelling_hint: str = "<code>make review ARGS=misses</code>") -> str:
    """The tiles and the charted sections, without the page around them."""
    rated = figures.helpful + figures.not_helpful
    tiles = [
        (figures.conversations, "conversations"),
        (figures.messages, "patient messages"),
        (f"{figures.fallback_rate:.0%}", "messages not understood"),
        (figures.escalations["emergency"], "emergency (999) advice"),
        (figures.escalations["urgent"], "urgent advice"),
        (figures.booking.completed, "bookings completed"),
        (figures.callback.completed, "call-backs requested"),
        (figures.handoffs, "asked for a person"),
        (f"{figures.helpful}/{rated}" if rated else "–", "found it helpful"),
        (_seconds(figures.response_median_s), "median reply time"),
        (_seconds(figures.response_p95_s), "95% replied within"),
    ]
    tile_html = "".join(
        f"<div class=tile><b>{html.escape(str(v))}</b><span>{html.escape(k)}</span></div>" for v, k in tiles
    )
    topics = figures.top_topics or [("no topics yet", 0)]
    levels = list(figures.escalations)
    booking_rows, callback_rows = _funnel_rows(figures.booking), _funnel_rows(figures.callback)
    sections = [
        _section(
            "Every day",
            _daily_chart(figures),
            _table(
                ["Day", "Conversations", "Messages"], [(f"{d:%a %d %b}", c, m) for d, (c, m) in figures.per_day.items()]
            ),
        ),
        _section(
            "Top topics",
            _bar_chart([t for t, _ in topics], [n for _, n in topics], "Top topics (messages)", horizontal=True),
        ),
        _section(
            "Red-flag escalations by advice given",
            _bar_chart(
                levels,
                [figures.escalations[lv] for lv in levels],
                "Conversations by highest advice",
                [LEVEL_COLOURS[lv] for lv in levels],
            ),
            f"<p class=note>{figures.medication_cautions} conversations had a medicine caution.</p>",
        ),
        _section(
            "Booking and call-backs",
            _bar_chart([r for r, _ in booking_rows], [n for _, n in booking_rows], "Booking form", horizontal=True),
            _table(["Booking", "Conversations"], booking_rows),
            _table(["Call-back", "Conversations"], callback_rows),
        ),
        _section(
            "Was this helpful?",
            _bar_chart(
                ["helpful", "not helpful"], [figures.helpful, figures.not_helpful], "Patients' answers", [GREEN, ORANGE]
            ),
        ),
        _section(
            "Messages the assistant did not understand (redacted)",
            _table(["Message", "Times"], figures.unrecognised) if figures.unrecognised else "<p>None this week.</p>",
            f"<p class=note>Staff can label these with {labelling_hint}.</p>",
        ),
    ]
    if figures.checkins is not None:
        sections.append(_checkins_section(figures.checkins))
    return f"<div class=tiles>{tile_html}</div>{''.join(sections)}"


def checkin_rows(checkins: CheckinFigures) -> list[tuple[str, int]]:
    return [
        ("people who said yes", checkins.offered_to),
        ("check-ins sent", checkins.sent),
        ("answered", checkins.answered),
        ("better", checkins.better),
        ("the same", checkins.same),
        ("worse", checkins.worse),
        ("escalations (999, same day, see a GP or physio)", checkins.escalations),
        ("people who stopped them", checkins.stopped),
    ]


def _checkins_section(checkins: CheckinFigures) -> str:
    """A table, no chart: the report's charts are the conversations' own."""
    return _section("Follow-up check-ins", _table(["Check-ins", "Number"], checkin_rows(checkins)))


def render_report(figures: ReportFigures, clinic_name: str, generated: dt.datetime) -> str:
    period = period_words(figures)
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Assistant report {html.escape(period)}</title><style>{CSS}</style></head>
<body><main>
<h1>{html.escape(clinic_name)}: chat assistant report</h1>
<p>{html.escape(period)}. Made {generated:%d %b %Y %H:%M} UTC. Names, phone numbers and emails are masked.</p>
{report_body(figures)}
</main></body></html>
"""
