"""The helpers both messaging connectors share: splitting, numbered buttons, button replies, settings, memory."""

from __future__ import annotations

import pytest

from channels.common import (
    BUTTONS_HINT,
    TELEGRAM_MAX_LENGTH,
    WHATSAPP_TWILIO_MAX_LENGTH,
    RecentCache,
    bold_spans,
    channel_settings,
    chosen_payload,
    int_setting,
    numbered_options,
    sentences,
    split_message,
    text_length,
    typed_text,
    whatsapp_markup,
)

BUTTONS = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "What can I do now?", "payload": "/ask_treatment"},
]


def paragraph(sentence_count: int, start: int = 0) -> str:
    return " ".join(
        f"Sentence number {number} says something useful about backs."
        for number in range(start, start + sentence_count)
    )


# --- Splitting ---------------------------------------------------------------------------------------------------


def test_short_text_is_one_message() -> None:
    assert split_message("Hello. How can I help?", 1600) == ["Hello. How can I help?"]


def test_empty_text_gives_no_messages() -> None:
    assert split_message("", 1600) == [] and split_message("  \n ", 1600) == []


@pytest.mark.parametrize("limit", [WHATSAPP_TWILIO_MAX_LENGTH, TELEGRAM_MAX_LENGTH, 200])
def test_long_text_splits_at_sentence_boundaries_under_the_limit(limit: int) -> None:
    text = paragraph(150)
    chunks = split_message(text, limit)
    assert len(chunks) > 1
    assert all(text_length(chunk) <= limit for chunk in chunks)
    assert all(chunk.endswith("backs.") for chunk in chunks), "every part ends at a sentence end"
    assert " ".join(chunks) == text, "nothing lost or reordered"


def test_parts_are_filled_greedily() -> None:
    chunks = split_message(paragraph(150), WHATSAPP_TWILIO_MAX_LENGTH)
    sentence = len("Sentence number 100 says something useful about backs. ")
    assert all(len(chunk) > WHATSAPP_TWILIO_MAX_LENGTH - sentence for chunk in chunks[:-1])


def test_paragraph_breaks_are_kept_inside_a_part() -> None:
    assert split_message("First part.\n\nSecond part.", 100) == ["First part.\n\nSecond part."]


def test_other_sentence_ends_and_line_ends_are_boundaries() -> None:
    text = "Is it bad? It hurts! Call 999 now…\nThen rest."
    assert [piece.strip() for piece in sentences(text)] == ["Is it bad?", "It hurts!", "Call 999 now…", "Then rest."]


def test_abbreviations_and_links_are_not_sentence_ends() -> None:
    text = "Try gentle moves, e.g. walking. See https://www.nhs.uk/conditions/back-pain/ for more."
    assert [piece.strip() for piece in sentences(text)] == [
        "Try gentle moves, e.g. walking.",
        "See https://www.nhs.uk/conditions/back-pain/ for more.",
    ]


def test_a_link_is_never_cut() -> None:
    link = "https://www.nhs.uk/conditions/back-pain/"
    text = " ".join([f"Sentence {number} mentions {link} again." for number in range(60)])
    for chunk in split_message(text, 300):
        assert chunk.count("https://") == chunk.count(link)


def test_a_sentence_longer_than_a_message_is_cut_between_words() -> None:
    text = "word " * 500
    chunks = split_message(text, 100)
    assert all(text_length(chunk) <= 100 for chunk in chunks)
    assert all(set(chunk.split()) == {"word"} for chunk in chunks)


def test_a_word_longer_than_a_message_is_cut() -> None:
    chunks = split_message("x" * 250, 100)
    assert [len(chunk) for chunk in chunks] == [100, 100, 50]


def test_emoji_count_as_two_units() -> None:
    assert text_length("🙂") == 2
    chunks = split_message("🙂" * 100, 50)
    assert all(text_length(chunk) <= 50 for chunk in chunks) and "".join(chunks) == "🙂" * 100


def test_a_bold_sentence_ends_where_its_marker_ends() -> None:
    text = "**Please call 999 or go to A&E now.** You told me about numbness."
    assert [piece.strip() for piece in sentences(text)] == [
        "**Please call 999 or go to A&E now.**",
        "You told me about numbness.",
    ]
    assert next(piece.strip() for piece in sentences(whatsapp_markup(text))) == "*Please call 999 or go to A&E now.*"


# --- Bold ------------------------------------------------------------------------------------------------------


def test_bold_becomes_whatsapp_bold() -> None:
    assert whatsapp_markup("**Please call 999.** Then rest.") == "*Please call 999.* Then rest."
    assert whatsapp_markup("2 ** 3 and a * star") == "2 ** 3 and a * star", "only real bold markers"


def test_bold_spans_give_plain_text_and_where_the_bold_is() -> None:
    plain, spans = bold_spans("Hi **there**, **call 999**.")
    assert plain == "Hi there, call 999."
    assert [plain[start:end] for start, end in spans] == ["there", "call 999"]


# --- Numbered buttons --------------------------------------------------------------------------------------------


def test_buttons_become_one_numbered_list() -> None:
    assert numbered_options(BUTTONS[:2]) == f"1. Yes\n2. No\n{BUTTONS_HINT}"
    assert numbered_options([]) == ""


def test_numbered_options_follow_the_text_in_the_same_message() -> None:
    [message] = split_message("Shall I explain?", 1600, numbered_options(BUTTONS[:2]))
    assert message == f"Shall I explain?\n\n1. Yes\n2. No\n{BUTTONS_HINT}"


def test_options_that_do_not_fit_get_their_own_message_and_are_never_split_mid_line() -> None:
    text = paragraph(5)
    chunks = split_message(text, len(text) + 10, numbered_options(BUTTONS))
    assert chunks[0] == text
    assert chunks[1] == numbered_options(BUTTONS)


def test_numbered_list_lines_are_not_sentence_ends() -> None:
    assert [piece.strip() for piece in sentences("1. Yes\n2. No")] == ["1. Yes", "2. No"]


@pytest.mark.parametrize(
    "reply, payload",
    [
        ("1", "/affirm"),
        ("2", "/deny"),
        (" 3 ", "/ask_treatment"),
        ("2.", "/deny"),
        ("3)", "/ask_treatment"),
        ("2️⃣", "/deny"),
        ("yes", "/affirm"),
        ("NO!", "/deny"),
        ("what can i do now", "/ask_treatment"),
    ],
)
def test_a_reply_picks_a_button_by_number_or_words(reply: str, payload: str) -> None:
    assert chosen_payload(reply, BUTTONS) == payload


@pytest.mark.parametrize("reply", ["0", "4", "12", "yes please", "my back hurts", ""])
def test_other_replies_pick_no_button(reply: str) -> None:
    assert chosen_payload(reply, BUTTONS) is None


def test_without_offered_buttons_a_number_is_just_text() -> None:
    assert chosen_payload("1", None) is None and chosen_payload("1", []) is None


def test_typed_text_cannot_trigger_an_intent_directly() -> None:
    assert typed_text('/inform{"conditions": ["asthma"]}') == 'inform{"conditions": ["asthma"]}'
    assert typed_text("  my back hurts ") == "my back hurts"
    assert typed_text(None) == "" and typed_text("/") == ""


# --- Recent deliveries and offered buttons ----------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_delivery_is_new_once_within_the_time_to_live() -> None:
    clock = Clock()
    cache: RecentCache[str, bool] = RecentCache(max_items=10, ttl_seconds=60, clock=clock)
    assert cache.first_time("SM1") is True
    assert cache.first_time("SM1") is False
    clock.now = 61
    assert cache.first_time("SM1") is True, "forgotten after the time to live"


def test_the_cache_stays_bounded_and_forgets_the_oldest() -> None:
    cache: RecentCache[int, bool] = RecentCache(max_items=100, ttl_seconds=3600)
    for key in range(1000):
        cache.first_time(key)
    assert len(cache) == 100
    assert cache.first_time(999) is False and cache.first_time(0) is True


def test_values_are_kept_replaced_and_discarded() -> None:
    cache: RecentCache[str, list] = RecentCache(max_items=10, ttl_seconds=60)
    cache.put("whatsapp:+447700900001", BUTTONS)
    assert cache.get("whatsapp:+447700900001") == BUTTONS
    cache.put("whatsapp:+447700900001", BUTTONS[:1])
    assert cache.get("whatsapp:+447700900001") == BUTTONS[:1]
    cache.discard("whatsapp:+447700900001")
    assert cache.get("whatsapp:+447700900001") is None


# --- Settings --------------------------------------------------------------------------------------------------

FIELDS = {"token": "TEST_CHANNEL_TOKEN", "secret": "TEST_CHANNEL_SECRET", "base": "TEST_CHANNEL_BASE"}


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CHANNEL_TOKEN", "t")
    monkeypatch.setenv("TEST_CHANNEL_SECRET", "s")
    monkeypatch.delenv("TEST_CHANNEL_BASE", raising=False)
    assert channel_settings("Test", None, FIELDS, ["token", "secret"]) == {"token": "t", "secret": "s", "base": ""}


def test_the_credentials_file_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CHANNEL_TOKEN", "from-env")
    monkeypatch.setenv("TEST_CHANNEL_SECRET", "s")
    settings = channel_settings("Test", {"token": "from-file"}, FIELDS, ["token", "secret"])
    assert settings is not None and settings["token"] == "from-file"


def test_the_channel_is_off_without_its_settings(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for variable in FIELDS.values():
        monkeypatch.delenv(variable, raising=False)
    assert channel_settings("Test", None, FIELDS, ["token", "secret"]) is None
    monkeypatch.setenv("TEST_CHANNEL_TOKEN", "t")
    assert channel_settings("Test", None, FIELDS, ["token", "secret"]) is None
    assert "TEST_CHANNEL_SECRET not set" in caplog.text, "a half-finished set-up is reported"


def test_whole_number_settings() -> None:
    assert int_setting("", 1600, 1600) == 1600
    assert int_setting("300", 1600, 1600) == 300
    assert int_setting("5000", 1600, 1600) == 1600
    assert int_setting("0", 1600) == 1600 and int_setting("lots", 1600) == 1600, "a bad value keeps the default"


def test_a_heading_line_stays_with_what_it_introduces() -> None:
    from channels.common import split_message

    text = (
        "A back spasm often starts when lifting. Poor posture too.\n\n"
        "Read more:\n- NHS: Back pain – https://www.nhs.uk/conditions/back-pain/"
    )
    chunks = split_message(text, 70)
    assert chunks[0].endswith("Poor posture too.") and chunks[1].startswith("Read more:\n- NHS")
