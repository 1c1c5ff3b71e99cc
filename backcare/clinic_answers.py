"""Answers about the clinic itself, built from the clinic profile (never from fixed text in code paths that
name the clinic)."""

from __future__ import annotations

from typing import Optional

from backcare.clinic import ClinicProfile
from backcare.reply import Button, Reply

BOOK_BUTTON = Button("Book an assessment", "/book_appointment")
NHS_BUTTON = Button("NHS options", "/ask_nhs")


def booking_offer(profile: ClinicProfile) -> Reply:
    text = (
        f"You can book an assessment with {profile.name}. Call {profile.phone} ({profile.hours_text()}) "
        f"or book online at {profile.booking_url}. A physio will ask about your back and check it. "
        "If you have numbness between your legs, problems peeing or pooing, or weakness in both legs, "
        "call 999 instead of booking."
    )
    return Reply(text, (Button("Which insurers do you take?", "/ask_insurance"), NHS_BUTTON), topic="booking")


def insurance_answer(profile: ClinicProfile, insurer: Optional[str]) -> Reply:
    next_steps = (
        "Insurers usually want you to open a claim with them first and give you an authorisation number. "
        "Some also need a GP referral, so please check your policy."
    )
    if insurer is None:
        names = ", ".join(profile.accepted_insurers.values())
        text = f"{profile.name} works with these insurers: {names}. {next_steps} You can also pay for yourself."
    elif profile.insurer_name(insurer):
        text = f"Yes, {profile.name} accepts {profile.insurer_name(insurer)}. {next_steps}"
    else:
        pretty = insurer.replace("_", " ").title()
        text = (
            f"I'm sorry, {pretty} isn't on our list of insurers. You can still pay for yourself, "
            f"or call {profile.phone} to check. NHS physio is free, and in many areas you can refer yourself."
        )
    return Reply(text, (BOOK_BUTTON, NHS_BUTTON), topic="insurance")


def clinic_info(profile: ClinicProfile) -> Reply:
    services = ", ".join(profile.services)
    text = (
        f"{profile.name}, {profile.address}. Phone {profile.phone}, email {profile.email}. "
        f"Opening hours: {profile.hours_text()}. We offer {services}."
    )
    if profile.prices:
        text += " Prices: " + "; ".join(profile.prices) + "."
    return Reply(text, (BOOK_BUTTON,), topic="clinic_info")


def human_handoff(profile: ClinicProfile) -> Reply:
    text = (
        f"Of course. You can talk to our reception team on {profile.phone} ({profile.hours_text()}), "
        f"or email {profile.email}. If it's an emergency, call 999."
    )
    return Reply(text, (BOOK_BUTTON,), topic="human")
