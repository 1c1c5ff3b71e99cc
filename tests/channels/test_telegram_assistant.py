"""Telegram with the real assistant: Telegram's updates posted to the running Rasa server with the secret header,
the Bot API calls caught by a local fake. The server's Telegram limit is set low (TELEGRAM_TEST_LIMIT) so the
assistant's real answers show the split at sentence boundaries."""

from __future__ import annotations

import re

from backcare.knowledge import KnowledgeBase
from channels.common import NO_TEXT_REPLY, text_length
from channels.local_platform import FakePlatform, TelegramPatient, sent_texts, telegram_message_update
from tests.channels.settings import BOT_TOKEN, TELEGRAM_TEST_LIMIT
from tests.model.assistant import RunningAssistant

KB = KnowledgeBase.load()
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def words(text: str) -> list[str]:
    return text.replace("**", "").split()


def test_start_greets_with_an_inline_keyboard(telegram: TelegramPatient, channel_assistant: RunningAssistant) -> None:
    calls = telegram.say("/start")
    [rest] = channel_assistant.send("hello")
    messages = [call for call in calls if call["method"] == "sendMessage"]
    assert all(call["token"] == BOT_TOKEN and "parse_mode" not in call["payload"] for call in messages)
    assert words(" ".join(sent_texts(calls))) == words(rest["text"])
    assert [("reply_markup" in call["payload"]) for call in messages] == [False] * (len(messages) - 1) + [True]
    keyboard = messages[-1]["payload"]["reply_markup"]["inline_keyboard"]
    assert [(row[0]["text"], row[0]["callback_data"]) for row in keyboard] == [
        (button["title"], button["payload"]) for button in rest["buttons"]
    ]


def test_a_long_answer_is_split_at_sentence_boundaries(
    telegram: TelegramPatient, channel_assistant: RunningAssistant
) -> None:
    texts = sent_texts(telegram.say("what causes back spasms?"))
    rest = channel_assistant.send("what causes back spasms?")
    assert len(texts) > 1, f"the answer is longer than {TELEGRAM_TEST_LIMIT} characters"
    assert all(text_length(text) <= TELEGRAM_TEST_LIMIT for text in texts)
    assert all(SENTENCE_END.search(text) for text in texts[:-1]), texts
    assert words(" ".join(texts)) == words(" ".join(reply["text"] for reply in rest))
    assert any("https://www.nhs.uk/conditions/back-pain/" in text for text in texts), "the link arrives whole"


def test_tapping_a_button_answers_the_tap_and_follows_it(telegram: TelegramPatient) -> None:
    telegram.say("/start")
    button = next(button for button in telegram.keyboard() if KB.for_intent(button["callback_data"].lstrip("/")))
    calls = telegram.tap(button["text"])
    assert calls[0]["method"] == "answerCallbackQuery"
    entry = KB.for_intent(button["callback_data"].lstrip("/"))
    assert entry is not None and entry.answer.split(". ")[0] in " ".join(sent_texts(calls))


def test_a_request_without_the_secret_is_refused_and_nothing_is_sent(
    telegram: TelegramPatient, fake: FakePlatform
) -> None:
    update = telegram_message_update(telegram.next_update_id(), telegram.chat_id, "hello")
    mark = fake.mark()
    assert telegram.post(update, secret=None).status_code == 403
    assert telegram.post(update, secret="guessed").status_code == 403
    assert fake.since(mark) == []


def test_a_repeated_update_is_answered_once(telegram: TelegramPatient, fake: FakePlatform) -> None:
    update = telegram_message_update(telegram.next_update_id(), telegram.chat_id, "what is a back spasm?")
    mark = fake.mark()
    assert telegram.post(update).status_code == 200
    once = sent_texts(telegram.calls(mark))
    assert once
    assert telegram.post(update).status_code == 200
    assert sent_texts(telegram.calls(mark)) == once


def test_a_sticker_is_answered_kindly(telegram: TelegramPatient) -> None:
    assert sent_texts(telegram.say(None)) == [NO_TEXT_REPLY]


def test_red_flags_get_999_with_the_emphasis_kept(
    telegram: TelegramPatient, channel_assistant: RunningAssistant
) -> None:
    message = "my back hurts and i cant feel my bum and i wet myself"
    calls = telegram.say(message)
    texts = " ".join(sent_texts(calls))
    assert "999" in texts and "**" not in texts
    if "**" in channel_assistant.texts(channel_assistant.send(message)):
        assert any(call["payload"].get("entities") for call in calls if call["method"] == "sendMessage"), (
            "the website's **bold** is bold on Telegram"
        )
