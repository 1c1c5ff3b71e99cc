"""Follow-up check-ins (issue 22): the person says yes, the clinic asks how the back is doing after 2 and 7 days
(09:00-20:00 UK time), reads the reply and acts if it is worse. Plain Python (no Rasa): schedule, store (the
conversations' database), reading the reply, the outcome and the wording (messages.yml)."""

from backcare.checkins.messages import load_wording
from backcare.checkins.outcome import CheckinReply, Outcome, respond
from backcare.checkins.reading import CheckinAnswer, Trend, read_answer
from backcare.checkins.schedule import OFFSETS, due_times, in_window, next_send_time, uk_day
from backcare.checkins.store import Checkin, CheckinFigures, CheckinStore, checkins_db_url

__all__ = [
    "OFFSETS",
    "Checkin",
    "CheckinAnswer",
    "CheckinFigures",
    "CheckinReply",
    "CheckinStore",
    "Outcome",
    "Trend",
    "checkins_db_url",
    "due_times",
    "in_window",
    "load_wording",
    "next_send_time",
    "read_answer",
    "respond",
    "uk_day",
]
