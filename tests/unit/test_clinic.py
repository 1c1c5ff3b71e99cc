"""The clinic profile and the answers built from it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from backcare.booking.conversation import consent_question, how_to_reach_us
from backcare.clinic import load_profile
from backcare.clinic_answers import clinic_info, insurance_answer
from backcare.content import ContentError

PROFILE = load_profile()


def test_profile_loads_with_the_clinics_insurers() -> None:
    assert PROFILE.insurer_name("bupa") and PROFILE.insurer_name("axa_ppp")
    assert "physiotherapy" in PROFILE.services
    assert PROFILE.booking["backend"] == "sqlite"


def test_environment_overrides_contact_details() -> None:
    profile = load_profile(environ={"CLINIC_PHONE": "0161 496 0000", "CLINIC_NAME": "Northern Physio"})
    assert profile.phone == "0161 496 0000" and profile.name == "Northern Physio"
    assert "0161 496 0000" in consent_question(profile).text


def test_profile_without_opening_hours_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "clinic.yml"
    path.write_text("name: X\nphone: '1'\nemail: a@b.c\nwebsite: w\nbooking_url: u\naddress: a\nservices: [physio]\n")
    with pytest.raises(ContentError, match="opening_hours"):
        load_profile(path, environ={})


def test_accepted_insurer_says_yes_and_what_the_insurer_needs() -> None:
    text = insurance_answer(PROFILE, "bupa").text
    assert text.startswith("Yes") and "Bupa" in text and "authorisation number" in text


def test_unknown_insurer_says_so_and_offers_alternatives() -> None:
    text = insurance_answer(PROFILE, "acme_health").text
    assert "isn't on our list" in text and PROFILE.phone in text and "NHS" in text


def test_no_insurer_named_lists_them_all() -> None:
    text = insurance_answer(PROFILE, None).text
    assert all(name in text for name in PROFILE.accepted_insurers.values())


def test_booking_consent_names_the_clinic_and_how_to_delete_details() -> None:
    text = consent_question(PROFILE).text
    assert PROFILE.name in text and PROFILE.email in text and PROFILE.phone in text and "UK GDPR" in text


def test_clinic_info_and_handoff_come_from_the_profile() -> None:
    assert PROFILE.address in clinic_info(PROFILE).text
    handoff = how_to_reach_us(PROFILE, dt.datetime(2026, 11, 26, 10, 0)).text
    assert PROFILE.phone in handoff and "Monday to Friday" in handoff
