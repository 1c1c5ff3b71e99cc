"""Follow-up check-ins (issue 22) with the real assistant: opting in on Telegram, WhatsApp and the website, then
`scripts/checkins.py` (what `make check-ins` runs) sending to the local fakes of Telegram and Twilio, with --now
moving the clock. Check-ins live in the conversations' own SQLite database, as in production."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import requests
import sqlalchemy as sa

from backcare.checkins import CheckinStore, load_wording, next_send_time
from backcare.checkins.schedule import UK
from backcare.checkins.store import checkins
from backcare.clinic import load_profile
from channels.local_platform import FakePlatform, TelegramPatient, WhatsAppPatient, sent_texts
from tests.fakes.smtp import FakeSmtpServer
from tests.model.assistant import ROOT, RunningAssistant

CONTENT_SID = "HX" + "0123456789abcdef" * 2
SPASM_QUESTION = "how long will this last"
OFFER = load_wording()["offer"].text.split("?")[0]
CHECKIN = load_wording()["checkin"].text.format(clinic=load_profile().name).split(".")[0]


def database(assistant: RunningAssistant) -> str:
    return f"sqlite:///{assistant.work_dir / 'tracker.db'}"


def store(assistant: RunningAssistant) -> CheckinStore:
    return CheckinStore(database(assistant))


def start_check_ins(
    assistant: RunningAssistant, now: dt.datetime, extra_env: Optional[dict[str, str]] = None
) -> subprocess.Popen[str]:
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("SMTP_")},
        "PYTHONPATH": str(ROOT),
        "CHECKINS_DB_URL": database(assistant),
        "TWILIO_CHECKIN_CONTENT_SID": CONTENT_SID,
        **(extra_env or {}),
    }
    command = [sys.executable, str(ROOT / "scripts" / "checkins.py"), "--now", now.isoformat()]
    command += ["--credentials", str(assistant.work_dir / "credentials.yml")]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def make_check_ins(assistant: RunningAssistant, now: dt.datetime, extra_env: Optional[dict[str, str]] = None) -> str:
    process = start_check_ins(assistant, now, extra_env)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output
    return output


def set_due(assistant: RunningAssistant, sender: str, step: int, due: dt.datetime) -> None:
    """As if the check-in had been made at another time (the clock cannot be moved for the servers)."""
    engine = sa.create_engine(database(assistant))
    with engine.begin() as connection:
        connection.execute(
            checkins.update()
            .where(checkins.c.sender_id == sender, checkins.c.step == step)
            .values(due_at=due.timestamp())
        )


def check_ins_sent(fake: FakePlatform, mark: int, telegram: TelegramPatient) -> list[str]:
    return [text for text in sent_texts(telegram.calls(mark)) if text.startswith(CHECKIN)]


def opt_in_on_telegram(telegram: TelegramPatient) -> list[str]:
    texts = sent_texts(telegram.say(SPASM_QUESTION))
    assert any(text.startswith(OFFER) for text in texts), texts
    return sent_texts(telegram.tap("Yes, check in"))


def first_due(assistant: RunningAssistant, sender: str) -> dt.datetime:
    active = store(assistant).active(sender)
    assert [c.step for c in active] == [1, 2]
    return active[0].due_at


def test_opt_in_on_telegram_then_exactly_one_check_in_when_due_and_keep_going_when_better(
    telegram: TelegramPatient, channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    consent = " ".join(opt_in_on_telegram(telegram))
    assert "2 days" in consent and "7 days" in consent and "stop check-ins" in consent
    sender = f"telegram:{telegram.chat_id}"
    [first, second] = store(channel_assistant).active(sender)
    assert first.channel == "telegram" and second.due_at - first.due_at >= dt.timedelta(days=4)
    due = first.due_at

    mark = fake.mark()
    make_check_ins(channel_assistant, due - dt.timedelta(minutes=30))
    assert check_ins_sent(fake, mark, telegram) == [], "nothing before it is due"
    make_check_ins(channel_assistant, due)
    assert len(check_ins_sent(fake, mark, telegram)) == 1
    make_check_ins(channel_assistant, due + dt.timedelta(minutes=10))
    assert len(check_ins_sent(fake, mark, telegram)) == 1, "a second run sends nothing more"

    reply = " ".join(sent_texts(telegram.say("much better, 2 out of 10")))
    assert "stay active" in reply and "check in again" in reply
    [answered] = [c for c in store(channel_assistant).all() if c.sender_id == sender and c.step == 1]
    assert answered.status == "answered" and answered.outcome == "keep_going"


def test_two_runs_at_once_send_each_check_in_once(
    telegram: TelegramPatient, channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    opt_in_on_telegram(telegram)
    due = first_due(channel_assistant, f"telegram:{telegram.chat_id}")
    mark = fake.mark()
    runs = [start_check_ins(channel_assistant, due + dt.timedelta(minutes=1)) for _ in range(2)]
    for run in runs:
        output, _ = run.communicate(timeout=120)
        assert run.returncode == 0, output
    assert len(check_ins_sent(fake, mark, telegram)) == 1


def test_a_new_sign_in_the_reply_gets_the_999_answer(
    telegram: TelegramPatient, channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    opt_in_on_telegram(telegram)
    sender = f"telegram:{telegram.chat_id}"
    make_check_ins(channel_assistant, first_due(channel_assistant, sender))
    reply = " ".join(sent_texts(telegram.say("worse, 8 out of 10, and now my legs feel numb")))
    assert "999" in reply and "Book" not in reply
    [answered] = [c for c in store(channel_assistant).all() if c.sender_id == sender and c.step == 1]
    assert answered.outcome == "emergency"


def test_after_stop_check_ins_nothing_is_sent(
    telegram: TelegramPatient, channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    opt_in_on_telegram(telegram)
    sender = f"telegram:{telegram.chat_id}"
    due = first_due(channel_assistant, sender)
    assert "stopped your check-ins" in " ".join(sent_texts(telegram.say("stop check-ins")))
    mark = fake.mark()
    make_check_ins(channel_assistant, due)
    make_check_ins(channel_assistant, next_send_time(due + dt.timedelta(days=6)))
    assert check_ins_sent(fake, mark, telegram) == []


def test_a_check_in_due_at_23_00_waits_until_9(
    telegram: TelegramPatient, channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    opt_in_on_telegram(telegram)
    sender = f"telegram:{telegram.chat_id}"
    late = dt.datetime(2026, 12, 10, 23, 0, tzinfo=UK)
    set_due(channel_assistant, sender, 1, late)
    set_due(channel_assistant, sender, 2, late + dt.timedelta(days=30))  # only the first one is looked at here
    mark = fake.mark()
    make_check_ins(channel_assistant, late)
    make_check_ins(channel_assistant, dt.datetime(2026, 12, 11, 8, 59, tzinfo=UK))
    assert check_ins_sent(fake, mark, telegram) == []
    make_check_ins(channel_assistant, dt.datetime(2026, 12, 11, 9, 0, tzinfo=UK))
    assert len(check_ins_sent(fake, mark, telegram)) == 1


def opt_in_on_whatsapp(whatsapp: WhatsAppPatient) -> None:
    bodies = whatsapp.say(SPASM_QUESTION)
    assert any(OFFER in body for body in bodies), bodies
    assert "stop check-ins" in " ".join(whatsapp.say("yes, check in"))


def whatsapp_check_ins(fake: FakePlatform, mark: int, whatsapp: WhatsAppPatient) -> list[dict[str, str]]:
    return [form for form in fake.twilio_messages(mark) if form.get("To") == whatsapp.sender]


def test_whatsapp_more_than_24_hours_after_the_last_message_sends_the_template(
    whatsapp: WhatsAppPatient, channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    opt_in_on_whatsapp(whatsapp)
    due = first_due(channel_assistant, whatsapp.sender)
    mark = fake.mark()
    make_check_ins(channel_assistant, due)
    [message] = whatsapp_check_ins(fake, mark, whatsapp)
    assert message["ContentSid"] == CONTENT_SID and "Body" not in message


def test_whatsapp_within_24_hours_of_the_last_message_sends_a_normal_message(
    whatsapp: WhatsAppPatient, channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    opt_in_on_whatsapp(whatsapp)
    now = dt.datetime.now(dt.timezone.utc)
    set_due(channel_assistant, whatsapp.sender, 1, now)
    mark = fake.mark()
    make_check_ins(channel_assistant, next_send_time(now + dt.timedelta(minutes=1)))
    [message] = whatsapp_check_ins(fake, mark, whatsapp)
    assert message["Body"].startswith(CHECKIN) and "ContentSid" not in message


def test_the_website_keeps_the_check_in_until_the_chat_is_opened_again(channel_assistant: RunningAssistant) -> None:
    sender = "checkins-website-" + os.urandom(6).hex()
    waiting = f"{channel_assistant.rasa_url}/webhooks/rest/checkins"
    assert OFFER in channel_assistant.texts(channel_assistant.send(SPASM_QUESTION, sender=sender))
    consent = channel_assistant.texts(channel_assistant.send("/start_checkins", sender=sender))
    assert "stop check-ins" in consent and "open this chat again" in consent
    assert requests.post(waiting, json={"sender": sender}, timeout=30).json() == []
    set_due(channel_assistant, sender, 1, dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1))
    make_check_ins(channel_assistant, next_send_time(dt.datetime.now(dt.timezone.utc)))  # never pushed
    [shown] = requests.post(waiting, json={"sender": sender}, timeout=30).json()
    assert shown["text"].startswith(CHECKIN)
    assert requests.post(waiting, json={"sender": sender}, timeout=30).json() == [], "shown once"
    reply = channel_assistant.texts(channel_assistant.send("same, 7 out of 10, can't work", sender=sender))
    assert "GP" in reply and "physio" in reply


def test_the_check_ins_database_is_the_conversations(channel_assistant: RunningAssistant) -> None:
    assert Path(channel_assistant.work_dir / "tracker.db").is_file()
    assert sa.inspect(sa.create_engine(database(channel_assistant))).has_table("events")


def test_the_waiting_check_ins_address_refuses_a_request_without_a_sender(channel_assistant: RunningAssistant) -> None:
    waiting = f"{channel_assistant.rasa_url}/webhooks/rest/checkins"
    assert requests.post(waiting, json={"message": "hello"}, timeout=30).status_code == 400
    assert requests.post(waiting, json=["sender"], timeout=30).status_code == 400
    assert requests.post(waiting, data="not json", timeout=30).status_code == 400
    assert requests.post(waiting, json={"sender": "nobody-" + os.urandom(4).hex()}, timeout=30).json() == []


EMAIL_OFFER = load_wording()["email_offer"].text.split(".")[0]


def website_opt_in(assistant: RunningAssistant, sender: str) -> str:
    assert OFFER in assistant.texts(assistant.send(SPASM_QUESTION, sender=sender))
    consent = assistant.texts(assistant.send("/start_checkins", sender=sender))
    assert "open this chat again" in consent
    return consent


def test_the_website_check_in_is_emailed_once_when_due_to_a_visitor_who_gave_an_address(
    channel_assistant: RunningAssistant,
) -> None:
    sender = "checkins-email-" + os.urandom(6).hex()
    address = f"jo.{sender}@example.org"
    assert EMAIL_OFFER in website_opt_in(channel_assistant, sender)
    asked = channel_assistant.texts(channel_assistant.send("yes please", sender=sender))
    assert load_wording()["email_ask"].text in asked
    again = channel_assistant.texts(channel_assistant.send("jo at example", sender=sender))
    assert "does not look like an email address" in again and load_wording()["email_ask"].text in again
    saved = channel_assistant.texts(channel_assistant.send(address, sender=sender))
    assert "email you" in saved
    assert store(channel_assistant).email_for(sender) == address
    due = first_due(channel_assistant, sender)

    with FakeSmtpServer() as smtp:
        make_check_ins(channel_assistant, due - dt.timedelta(minutes=30), smtp.environment())
        assert smtp.received == [], "nothing before it is due"
        make_check_ins(channel_assistant, due, smtp.environment())
        make_check_ins(channel_assistant, due + dt.timedelta(minutes=10), smtp.environment())
        [email] = smtp.received
        assert email.recipients == (address,) and email.message["To"] == address
        assert load_profile().website in email.body and "stop check-ins" in email.body

        assert "stopped your check-ins" in channel_assistant.texts(
            channel_assistant.send("stop check-ins", sender=sender)
        )
        make_check_ins(channel_assistant, next_send_time(due + dt.timedelta(days=6)), smtp.environment())
        assert len(smtp.received) == 1, "nothing after stop"
    assert store(channel_assistant).email_for(sender) is None


def test_skipping_the_email_keeps_the_website_check_ins(channel_assistant: RunningAssistant) -> None:
    sender = "checkins-noemail-" + os.urandom(6).hex()
    website_opt_in(channel_assistant, sender)
    channel_assistant.send("yes", sender=sender)
    reply = channel_assistant.texts(channel_assistant.send("skip", sender=sender))
    assert "still on" in reply
    assert store(channel_assistant).email_for(sender) is None and len(store(channel_assistant).active(sender)) == 2


def test_stop_during_the_booking_form_ends_the_check_ins_too(channel_assistant: RunningAssistant) -> None:
    sender = "checkins-bookstop-" + os.urandom(6).hex()
    website_opt_in(channel_assistant, sender)
    channel_assistant.send("no thanks", sender=sender)  # no email
    channel_assistant.send("I'd like to book an appointment", sender=sender)
    reply = channel_assistant.texts(channel_assistant.send("STOP", sender=sender))
    assert load_wording()["stopped_too"].text in reply
    assert store(channel_assistant).active(sender) == []
