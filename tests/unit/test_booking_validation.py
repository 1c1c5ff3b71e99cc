"""What a patient types for their name, phone, email, reason and authorisation number."""

from __future__ import annotations

import pytest

from backcare.booking.validation import (
    clean_name,
    clean_reason,
    normalise_uk_phone,
    parse_authorisation_number,
    phone_for_reading,
    validate_email,
)


@pytest.mark.parametrize(
    "text, e164",
    [
        ("07400 123456", "+447400123456"),
        ("07400-123-456", "+447400123456"),
        ("07400123456", "+447400123456"),
        ("+44 7400 123456", "+447400123456"),
        ("+44 (0)7400 123456", "+447400123456"),
        ("0044 7400 123456", "+447400123456"),
        ("44 7400 123456", "+447400123456"),
        ("(020) 7946 0321", "+442079460321"),
        ("0113 496 0789", "+441134960789"),
        ("my number is 07400 555213, thanks", "+447400555213"),
        ("call me on 0161 496 0321 after 5", "+441614960321"),
    ],
)
def test_uk_numbers_in_the_ways_people_write_them_become_e164(text: str, e164: str) -> None:
    assert normalise_uk_phone(text) == e164


@pytest.mark.parametrize(
    "text",
    [
        "07400 1234",  # too short
        "074001234567",  # too long
        "0909 123 4567",  # premium rate: never called back
        "070 1234 5678",  # personal numbering, a known scam route
        "+33 1 23 45 67 89",  # not a UK number
        "999",
        "1234",
        "no phone",
        "",
    ],
)
def test_wrong_or_uncallable_numbers_are_refused(text: str) -> None:
    assert normalise_uk_phone(text) is None


def test_numbers_are_read_back_the_uk_way() -> None:
    assert phone_for_reading("+447400123456") == "07400 123456"
    assert phone_for_reading("+442079460321") == "020 7946 0321"


@pytest.mark.parametrize(
    "text, email",
    [
        ("sam.patel@example.com", "sam.patel@example.com"),
        ("my email is Jo.Bloggs@Example.ORG", "Jo.Bloggs@example.org"),
        ("d.hughes+physio@example.co.uk.", "d.hughes+physio@example.co.uk"),
    ],
)
def test_valid_emails_are_found_in_the_text(text: str, email: str) -> None:
    assert validate_email(text) == email


@pytest.mark.parametrize(
    "text",
    ["kev@example", "a@b", "jo..bloggs@", "@example.com", "name at example dot com", "x@-bad-.com", "plainaddress"],
)
def test_incomplete_emails_are_refused(text: str) -> None:
    assert validate_email(text) is None


@pytest.mark.parametrize(
    "text, name",
    [
        ("Sam Patel", "Sam Patel"),
        ("my name is tom o'connor", "Tom O'Connor"),
        ("I'm Aisha Begum", "Aisha Begum"),
        ("it's Siobhán Murphy-Kelly thanks", "Siobhán Murphy-Kelly"),
        ("DANIEL HUGHES", "Daniel Hughes"),
        ("Rhys ap Gwyn", "Rhys ap Gwyn"),
        ("call me Kez", "Kez"),
    ],
)
def test_names_are_taken_with_their_own_capitals(text: str, name: str) -> None:
    assert clean_name(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "no thanks",
        "07400 123456",
        "why do you need that?",
        "x",
        "",
        "a b c d e f g",
        "bye",
        "what is a back spasm",
    ],
)
def test_non_names_are_refused(text: str) -> None:
    assert clean_name(text) is None


def test_reason_is_one_tidy_line_of_bounded_length() -> None:
    assert clean_reason("  lower back\nspasm   since monday ") == "lower back spasm since monday"
    assert len(clean_reason("my back " * 100) or "") <= 200
    assert clean_reason("?") is None and clean_reason("/affirm") is None


def test_authorisation_numbers() -> None:
    assert parse_authorisation_number("my auth number is ab123456") == "AB123456"
    assert parse_authorisation_number("BUP-99812") == "BUP-99812"
    assert parse_authorisation_number("not yet") is None
