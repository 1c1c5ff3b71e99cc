"""The content book: everything the assistant can say, in plain words, with sources and review dates, for the
clinical lead to read and sign off. Knowledge-base answers grouped by topic file, the medicine rules and the
red-flag rules; anything past its review interval comes first. One HTML file that also prints cleanly."""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from backcare.clinic import DEFAULT_PROFILE, load_profile
from backcare.content import load_yaml
from backcare.knowledge import CONTENT_FILES, Entry, KnowledgeBase
from backcare.medication.catalogue import Catalogue, Medicine
from backcare.sources import source_title
from backcare.triage import Level, RedFlag
from backcare.triage.advice import TriageAdvice

DEFAULT_REVIEW_MONTHS = 12
GROUP_NAMES = {"topics": "Back spasm topics", "treatments": "Treatments", "everyday": "Everyday questions"}
# Who signs an entry off: the clinic's own practical advice (no NHS, NICE or GOV.UK page says it) needs the
# physio lead; everything else was written from the cited pages and needs the clinical lead's check.
FROM_SOURCES = "Written from the cited pages: for the clinical lead to check and sign off."
CLINIC_GUIDANCE = (
    "Clinic guidance (no NHS, NICE or GOV.UK page says this): NOT YET SIGNED OFF, needs the physio lead's sign-off."
)
LEVEL_WORDS = {
    Level.EMERGENCY: "Emergency: the assistant tells the person to call 999 or go to A&E now",
    Level.URGENT: "Urgent: the assistant tells the person to get medical help today (urgent GP or NHS 111)",
    Level.ROUTINE: "Routine: the assistant suggests a GP or physio if it does not settle",
}


@dataclass(frozen=True)
class BookEntry:
    anchor: str  # unique HTML id, e.g. kb-causes
    group: str
    title: str
    paragraphs: tuple[str, ...]  # plain text, escaped when rendered
    sources: tuple[str, ...]
    reviewed: dt.date
    sign_off: str = FROM_SOURCES


def months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for last_day in (day.day, 30, 29, 28):  # 31 March minus one month is 28/29 February
        try:
            return dt.date(year, month + 1, last_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def is_overdue(entry: BookEntry, today: dt.date, review_months: int) -> bool:
    return entry.reviewed <= months_before(today, review_months)


def knowledge_entries(
    files: Sequence[Path] = CONTENT_FILES, fields: Mapping[str, str] | None = None
) -> list[BookEntry]:
    entries: list[BookEntry] = []
    for path in files:
        group = GROUP_NAMES.get(path.stem, path.stem.replace("_", " ").capitalize())
        for entry in KnowledgeBase.load([path]).entries:
            entries.append(_knowledge_entry(entry, group, fields or {}))
    return entries


def _knowledge_entry(entry: Entry, group: str, fields: Mapping[str, str]) -> BookEntry:
    asked_by = ", ".join(entry.intents + entry.treatments + entry.medications)
    paragraphs = [entry.answer.format_map(dict(fields)) if fields else entry.answer]
    if entry.detail:
        paragraphs.append("Sent after the answer: " + entry.detail)
    if entry.buttons:
        paragraphs.append("Buttons offered: " + ", ".join(b.title for b in entry.buttons))
    if entry.subject_words or entry.ages_under:
        words = ", ".join(entry.subject_words)
        ages = f"; or an age under {entry.ages_under}" if entry.ages_under else ""
        asked_by = ", ".join(filter(None, (asked_by, f"a message naming its subject (patterns: {words}{ages})")))
    paragraphs.append(f"Given for: {asked_by}" if asked_by else "Given as a follow-up only")
    sign_off = CLINIC_GUIDANCE if entry.clinic_guidance else FROM_SOURCES
    return BookEntry(f"kb-{entry.id}", group, entry.title, tuple(paragraphs), entry.sources, entry.reviewed, sign_off)


def clinic_price_entry(text: str, reviewed: dt.date) -> BookEntry:
    """The answer to "how much is an assessment?", built from clinic.yml (services and prices)."""
    return BookEntry(
        "clinic-prices",
        "Clinic answers (from clinic.yml)",
        "How much seeing the clinic costs",
        (text, "Given when a question about the clinic or about seeing a physio asks what it costs."),
        (),
        reviewed,
        "From clinic.yml: reception to check the prices and the free assessment.",
    )


def medicine_entries(book: Catalogue) -> list[BookEntry]:
    entries = [_medicine_entry(book, medicine) for medicine in book.medicines.values()]
    for condition_id, answer in book.messages.general_for.items():
        who = book.conditions[condition_id].who
        entries.append(
            BookEntry(
                f"general-{condition_id}",
                "Medicines",
                f"Which painkiller, for people who {who}",
                (answer.text, f"Given when someone who {who} asks which painkiller to take."),
                answer.sources,
                answer.reviewed,
            )
        )
    for pair in book.pairs:
        entries.append(
            BookEntry(
                f"pair-{pair.id}",
                "Medicines taken together",
                pair.id.replace("_", " "),
                (pair.text.format(a="[medicine A]", b="[medicine B]"),),
                pair.sources,
                pair.reviewed,
            )
        )
    return entries


def _medicine_entry(book: Catalogue, medicine: Medicine) -> BookEntry:
    paragraphs = [medicine.what_it_is, medicine.how_it_may_help, medicine.nice_position, *medicine.cautions]
    if medicine.dose:
        paragraphs.append(book.messages.dose)
    for condition_id, caution in medicine.condition_cautions.items():
        who = book.conditions[condition_id].who if condition_id in book.conditions else condition_id
        paragraphs.append(f"If the person says they {who}: {caution}")
    for condition_id in sorted(medicine.rules_out):
        paragraphs.append(f"Listed under 'Do not use' for people who {book.conditions[condition_id].who}.")
    paragraphs.append("Next step offered: " + book.messages.next_steps.get(medicine.next_step, medicine.next_step))
    if medicine.aliases:
        paragraphs.append("Also recognised as: " + ", ".join(medicine.aliases))
    return BookEntry(
        f"med-{medicine.id}",
        "Medicines",
        medicine.name.capitalize(),
        tuple(paragraphs),
        medicine.sources,
        medicine.reviewed,
    )


def red_flag_entries(flags: Sequence[RedFlag], advice: TriageAdvice) -> list[BookEntry]:
    entries = []
    for level, template in advice.dispositions.items():
        entries.append(
            BookEntry(
                f"advice-{level.value}",
                "Red flags: what the assistant says",
                LEVEL_WORDS[level],
                (template.text,),
                template.sources,
                template.reviewed,
            )
        )
    for flag in flags:
        paragraphs = [f"When someone mentions {flag.label}.", LEVEL_WORDS[flag.level] + "."]
        if flag.concern and flag.concern in advice.concerns:
            paragraphs.append("Why: " + advice.concerns[flag.concern])
        entries.append(
            BookEntry(
                f"flag-{flag.id}",
                "Red flags: signs recognised in any message",
                flag.label[:1].upper() + flag.label[1:],
                tuple(paragraphs),
                flag.sources,
                flag.reviewed,
            )
        )
    for question in advice.questions:
        entries.append(
            BookEntry(
                f"screen-{question.id}",
                "Red flags: screening questions in the booking form",
                question.text,
                (f"A yes means: {LEVEL_WORDS[question.level]}.",),
                question.sources,
                question.reviewed,
            )
        )
    routine = advice.dispositions[Level.ROUTINE]
    entries.append(
        BookEntry(
            "screen-none-found",
            "Red flags: screening questions in the booking form",
            "When every answer is no",
            (advice.none_found,),
            routine.sources,
            routine.reviewed,
        )
    )
    return entries


# The entries' own style (also used by the staff console, which shows the book inside its pages) and the page's.
ENTRY_CSS = """
article{border-bottom:1px solid #ccc;padding:.6rem 0;break-inside:avoid}
article h3{font-size:1.05rem;margin:.2rem 0}
.meta{font-family:system-ui,sans-serif;font-size:.85rem;color:#333}
.overdue{background:#fff3e0;border-left:4px solid #c25400;padding-left:.6rem}
.signoff{font-family:system-ui,sans-serif;font-size:.85rem;color:#333;margin-top:.3rem}
@media print{body{font-size:11pt}main{max-width:none;padding:0}a{color:#000}
a[href]::after{content:" (" attr(href) ")";font-size:9pt}.overdue{background:none}h2{break-after:avoid}}
"""
CSS = (
    """
body{font-family:Georgia,"Times New Roman",serif;margin:0;color:#111;line-height:1.45}
main{max-width:820px;margin:0 auto;padding:1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:2px solid #333;margin-top:2rem}
"""
    + ENTRY_CSS
)


def _article(entry: BookEntry, overdue: bool) -> str:
    # Line breaks kept: answers hold lists, one item a line, as the person sees them.
    paragraphs = "".join(f"<p>{html.escape(text).replace(chr(10), '<br>')}</p>" for text in entry.paragraphs)
    sources = (
        ", ".join(f'<a href="{html.escape(s)}">{html.escape(source_title(s))}</a>' for s in entry.sources)
        or "none given"
    )
    due = " <strong>Past its review date.</strong>" if overdue else ""
    return (
        f'<article id="{html.escape(entry.anchor)}"{" class=overdue" if overdue else ""}>'
        f"<h3>{html.escape(entry.title)}</h3>{paragraphs}"
        f"<p class=meta>Sources: {sources}. Last reviewed: {entry.reviewed:%d %B %Y}.{due}</p>"
        f"<p class=signoff>{html.escape(entry.sign_off)}<br>"
        f"Signed off by ____________________ on ____________</p></article>"
    )


def book_sections(entries: Sequence[BookEntry], today: dt.date, review_months: int = DEFAULT_REVIEW_MONTHS) -> str:
    """The entries as HTML sections: those past their review date first, then each group in turn."""
    overdue = sorted((e for e in entries if is_overdue(e, today, review_months)), key=lambda e: e.reviewed)
    current = [e for e in entries if not is_overdue(e, today, review_months)]
    parts = [f"<h2>Past their review date ({len(overdue)})</h2>"]
    parts += [_article(e, True) for e in overdue] or [
        f"<p>None: everything was reviewed in the last {review_months} months.</p>"
    ]
    groups: dict[str, list[BookEntry]] = {}
    for entry in current:
        groups.setdefault(entry.group, []).append(entry)
    for group, members in groups.items():
        parts.append(f"<h2>{html.escape(group)}</h2>")
        parts += [_article(e, False) for e in members]
    return "".join(parts)


def render_content_book(
    entries: Sequence[BookEntry], clinic_name: str, today: dt.date, review_months: int = DEFAULT_REVIEW_MONTHS
) -> str:
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Content book: {html.escape(clinic_name)}</title><style>{CSS}</style></head>
<body><main>
<h1>Content book: everything the chat assistant says</h1>
<p>{html.escape(clinic_name)}. Made {today:%d %B %Y}. {len(entries)} entries; review interval {review_months}
months. Each entry shows the words patients see, where they come from and when they were last checked.
Please read each one, and sign it off or mark the changes needed.</p>
{book_sections(entries, today, review_months)}
</main></body></html>
"""


def review_months(option: Optional[int] = None, environ: Mapping[str, str] = os.environ) -> int:
    """The review interval: the option, else CONTENT_REVIEW_MONTHS, else clinic.yml's content_review_months,
    else 12."""
    if option is not None:
        return option
    if environ.get("CONTENT_REVIEW_MONTHS"):
        return int(environ["CONTENT_REVIEW_MONTHS"])
    profile = load_yaml(Path(environ.get("CLINIC_PROFILE") or DEFAULT_PROFILE)) or {}
    return int(profile.get("content_review_months") or DEFAULT_REVIEW_MONTHS)


# When the price answer's wording (backcare/clinic_answers.py) was last checked; the prices come from clinic.yml.
PRICE_ANSWER_REVIEWED = dt.date(2026, 12, 2)


def all_entries() -> list[BookEntry]:
    """Every answer the assistant can give: the knowledge base, the medicine rules, the red-flag rules and the
    price answer."""
    from backcare.clinic_answers import price_text
    from backcare.guidance import profile_fields
    from backcare.medication.catalogue import load_catalogue
    from backcare.triage import load_advice, load_red_flags

    profile = load_profile()
    return (
        knowledge_entries(fields=profile_fields(profile))
        + medicine_entries(load_catalogue())
        + red_flag_entries(load_red_flags(), load_advice())
        + [clinic_price_entry(price_text(profile), PRICE_ANSWER_REVIEWED)]
    )
