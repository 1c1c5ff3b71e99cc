"""The Telegram connector on its own, with a stand-in dialogue: what reaches the dialogue and which Bot API calls
it makes (to a local fake). No trained model needed."""

from __future__ import annotations

import pytest
import requests

from channels.common import NO_TEXT_REPLY, SORRY_REPLY, TELEGRAM_MAX_LENGTH, text_length
from channels.limits import RATE_LIMITED_REPLY, LimitSettings, MessageGate
from channels.local_platform import (
    FakePlatform,
    TelegramPatient,
    sent_texts,
    telegram_callback_update,
    telegram_message_update,
)
from channels.telegram import TelegramInput, telegram_messages
from tests.channels.inprocess import StandInDialogue, serve
from tests.channels.settings import BOT_TOKEN, SECRET, telegram_settings

YES_NO = {
    "text": "Would you like some tips?",
    "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No thanks", "payload": "/deny"}],
}


def test_a_message_reaches_the_dialogue_and_the_reply_is_plain_text(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue
) -> None:
    dialogue.reply = {"text": "See https://www.nhs.uk/conditions/back-pain/ <b>for more</b>."}
    [call] = telegram_alone.say("my back hurts")
    assert dialogue.texts == ["my back hurts"]
    assert dialogue.received[0].sender_id == f"telegram:{telegram_alone.chat_id}"
    assert call["method"] == "sendMessage" and call["token"] == BOT_TOKEN
    assert call["payload"] == {
        "chat_id": telegram_alone.chat_id,
        "text": "See https://www.nhs.uk/conditions/back-pain/ <b>for more</b>.",
    }
    assert "parse_mode" not in call["payload"], "plain text: Telegram links the URL, markup stays literal"


def test_bold_is_sent_as_entities_not_markup(telegram_alone: TelegramPatient, dialogue: StandInDialogue) -> None:
    dialogue.reply = {"text": "🙂 **Please call 999 or go to A&E now.** You told me about numbness."}
    [call] = telegram_alone.say("i cant feel my bum")
    assert call["payload"]["text"] == "🙂 Please call 999 or go to A&E now. You told me about numbness."
    # Offsets count UTF-16 units: the emoji is two.
    bold = "Please call 999 or go to A&E now."
    assert call["payload"]["entities"] == [{"type": "bold", "offset": 3, "length": len(bold)}]


def test_bold_across_a_split_is_bold_in_each_part() -> None:
    messages = telegram_messages("**First sentence here. Second sentence here.** Third.", 30)
    assert messages == [
        ("First sentence here.", [{"type": "bold", "offset": 0, "length": 20}]),
        ("Second sentence here. Third.", [{"type": "bold", "offset": 0, "length": 21}]),
    ]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x", SECRET.upper()])
def test_a_request_without_the_secret_token_is_refused_and_never_reaches_the_dialogue(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue, fake: FakePlatform, secret: str
) -> None:
    mark = fake.mark()
    update = telegram_message_update(telegram_alone.next_update_id(), telegram_alone.chat_id, "hello")
    assert telegram_alone.post(update, secret).status_code == 403
    assert dialogue.received == [] and fake.since(mark) == []


def test_start_and_help_greet(telegram_alone: TelegramPatient, dialogue: StandInDialogue) -> None:
    telegram_alone.say("/start")
    telegram_alone.say("/help@ClinicBot")
    assert dialogue.texts == ["/greet", "/greet"]


def test_a_patient_cannot_type_an_intent(telegram_alone: TelegramPatient, dialogue: StandInDialogue) -> None:
    telegram_alone.say("/report_red_flag")
    assert dialogue.texts == ["report_red_flag"]


def test_buttons_become_an_inline_keyboard_and_a_tap_sends_the_payload(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue
) -> None:
    dialogue.reply = YES_NO
    [call] = telegram_alone.say("hi")
    assert call["payload"]["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Yes", "callback_data": "/affirm"}],
            [{"text": "No thanks", "callback_data": "/deny"}],
        ]
    }
    calls = telegram_alone.tap("No thanks")
    assert calls[0]["method"] == "answerCallbackQuery" and calls[0]["payload"]["callback_query_id"]
    assert dialogue.texts == ["hi", "/deny"]
    assert dialogue.received[1].metadata == {"tapped": True}


def test_a_payload_too_long_for_callback_data_goes_by_number(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue
) -> None:
    long_payload = '/inform{"condition": "a very long condition name that will not fit in sixty-four bytes"}'
    dialogue.reply = {
        "text": "Which one?",
        "buttons": [{"title": "Short", "payload": "/affirm"}, {"title": "Long", "payload": long_payload}],
    }
    [call] = telegram_alone.say("hi")
    keyboard = call["payload"]["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in keyboard] == ["/affirm", "#2"]
    telegram_alone.tap("Long")
    assert dialogue.texts[-1] == long_payload


def test_callback_data_we_never_offered_is_ignored(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue, fake: FakePlatform
) -> None:
    dialogue.reply = YES_NO
    telegram_alone.say("hi")
    update = telegram_callback_update(
        telegram_alone.next_update_id(),
        telegram_alone.chat_id,
        '/inform{"conditions": ["x"]}',
        telegram_alone.last_keyboard_message,
    )
    calls = telegram_alone.deliver(update)
    assert [call["method"] for call in calls] == ["answerCallbackQuery"], "the spinner stops, nothing else"
    assert dialogue.texts == ["hi"]


def test_a_tap_on_a_message_too_old_to_be_included_still_works(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue
) -> None:
    dialogue.reply = YES_NO
    telegram_alone.say("hi")
    telegram_alone.deliver(
        telegram_callback_update(telegram_alone.next_update_id(), telegram_alone.chat_id, "/affirm", message=None)
    )
    assert dialogue.texts == ["hi", "/affirm"]


def test_a_long_answer_is_split_at_sentence_boundaries_with_the_keyboard_last(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue
) -> None:
    sentences = [f"This is sentence {number} of a long answer about looking after your back." for number in range(200)]
    dialogue.reply = {**YES_NO, "text": " ".join(sentences)}
    calls = telegram_alone.say("tell me everything")
    texts = sent_texts(calls)
    assert len(texts) == 4
    assert all(text_length(text) <= TELEGRAM_MAX_LENGTH for text in texts)
    assert all(text.endswith("your back.") for text in texts)
    assert " ".join(texts) == " ".join(sentences)
    assert ["reply_markup" in call["payload"] for call in calls] == [False, False, False, True]


def test_a_repeated_update_is_answered_once(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue, fake: FakePlatform
) -> None:
    update = telegram_message_update(telegram_alone.next_update_id(), telegram_alone.chat_id, "hello")
    mark = fake.mark()
    assert telegram_alone.post(update).status_code == 200
    assert telegram_alone.post(update).status_code == 200, "Telegram must see success, or it keeps retrying"
    assert dialogue.texts == ["hello"]
    assert len(sent_texts(telegram_alone.calls(mark))) == 1


def test_a_message_without_text_is_answered_kindly(telegram_alone: TelegramPatient, dialogue: StandInDialogue) -> None:
    assert sent_texts(telegram_alone.say(None)) == [NO_TEXT_REPLY]
    assert dialogue.received == []


def test_group_chats_and_edited_messages_are_not_served(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue, fake: FakePlatform
) -> None:
    group = telegram_message_update(telegram_alone.next_update_id(), -100123, "hello")
    group["message"]["chat"] = {"id": -100123, "title": "Back pain club", "type": "group"}
    edited = telegram_message_update(telegram_alone.next_update_id(), telegram_alone.chat_id, "hello")
    edited["edited_message"] = edited.pop("message")
    mark = fake.mark()
    for update in (group, edited):
        assert telegram_alone.post(update).status_code == 200
    assert dialogue.received == [] and fake.since(mark) == []


def test_a_body_that_is_not_an_update_is_a_bad_request(telegram_alone: TelegramPatient) -> None:
    response = requests.post(
        telegram_alone.post_url, data="not json", timeout=10, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status_code == 400


def test_a_failing_dialogue_gets_an_apology_not_silence(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue
) -> None:
    dialogue.fail = True
    assert sent_texts(telegram_alone.say("hello")) == [SORRY_REPLY]


def test_rate_limiting_is_waited_out_once(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue, fake: FakePlatform
) -> None:
    fake.telegram_errors.append(
        {"error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}}
    )
    calls = telegram_alone.say("hello")
    assert [call.get("error", {}).get("error_code") for call in calls] == [429, None]
    assert sent_texts(calls) == ["Hello. How can I help?"]


def test_without_its_settings_the_channel_is_off(monkeypatch: pytest.MonkeyPatch, dialogue: StandInDialogue) -> None:
    for variable in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    channel = TelegramInput.from_credentials(None)
    assert channel.settings is None
    with serve([channel], dialogue) as url:
        assert requests.get(f"{url}/webhooks/telegram/", timeout=10).json() == {"status": "off"}
        assert requests.post(f"{url}/webhooks/telegram/webhook", json={}, timeout=10).status_code == 503
    assert dialogue.received == []


@pytest.mark.parametrize("secret", ["has spaces", "x" * 257, "ünïcode"])
def test_a_secret_telegram_would_refuse_keeps_the_channel_off(monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", secret)
    assert TelegramInput.from_credentials(None).settings is None


def test_a_flooding_chat_is_told_once_to_slow_down_then_ignored(fake: FakePlatform, dialogue: StandInDialogue) -> None:
    settings = telegram_settings(fake.url, limit=TELEGRAM_MAX_LENGTH)
    channel = TelegramInput(settings)
    channel.gate = MessageGate(LimitSettings(per_minute=1, burst=2))
    with serve([channel], dialogue) as url:
        patient = TelegramPatient(fake, url, settings, chat_id=77_000_001)
        mark = fake.mark()
        for n in range(5):
            update = telegram_message_update(patient.next_update_id(), patient.chat_id, f"message {n}")
            assert patient.post(update).status_code == 200
        assert dialogue.texts == ["message 0", "message 1"]
        texts = [call["payload"]["text"] for call in fake.telegram_calls("sendMessage", mark)]
    assert texts.count(RATE_LIMITED_REPLY) == 1 and len(texts) == 3
