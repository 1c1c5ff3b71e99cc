"""Website check-ins by email too (issue 22): only for a website visitor who said yes to check-ins and then, as a
separate choice, gave an address. The email says a check-in is waiting, links back to the chat and says how to
stop; the check-in itself is still answered in the chat.

Sent with the standard library (smtplib) through the SMTP server named in the environment, never in code:
  SMTP_HOST      the server; without it no email is sent (the check-in still waits in the chat)
  SMTP_PORT      default 587
  SMTP_USER, SMTP_PASSWORD   log in with these when both are set
  SMTP_FROM      the sender's address (default the clinic's email from clinic.yml / CLINIC_EMAIL)
  SMTP_SECURITY  starttls (default), ssl, or none (only for a server on this machine, as in tests)
The link is CHECKIN_CHAT_URL, else the clinic's website from clinic.yml (the chat widget lives there).
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Optional

from backcare.booking.validation import validate_email
from backcare.checkins.messages import load_wording
from backcare.clinic import ClinicProfile

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORT = 587
TIMEOUT_SECONDS = 30
DECLINED = "declined"  # the slot's value when the person would rather not give an address
# "no", "skip", "no thanks", "not now", "rather not", "I'd rather not say" ... on their own.
_DECLINE = re.compile(
    r"^\s*(?:no+|nope|nah|skip(?: it| this| that)?|no,? thanks?(?: you)?|not now|"
    r"(?:i'?d )?rather not(?: say| give it)?|don'?t want to|i don'?t want to|no email|none)\s*[.!]*\s*$",
    re.IGNORECASE,
)


class EmailError(RuntimeError):
    pass


def declines(text: str) -> bool:
    """True when the answer to "what email address?" says no rather than giving one."""
    return bool(_DECLINE.match(text or ""))


def address_in(text: str) -> Optional[str]:
    """The email address in the answer, or None when there is no valid one."""
    return validate_email(text or "")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: Optional[str] = None
    password: Optional[str] = None
    security: str = "starttls"

    @classmethod
    def from_environment(
        cls, profile: ClinicProfile, environ: Optional[Mapping[str, str]] = None
    ) -> Optional[SmtpSettings]:
        """The settings, or None when SMTP_HOST is not set (then no email is sent)."""
        env = os.environ if environ is None else environ
        host = env.get("SMTP_HOST", "").strip()
        if not host:
            return None
        security = (env.get("SMTP_SECURITY") or "starttls").strip().lower()
        if security not in SECURITY:
            raise EmailError(f"SMTP_SECURITY must be one of {', '.join(SECURITY)}")
        port_text = (env.get("SMTP_PORT") or "").strip()
        try:
            port = int(port_text) if port_text else DEFAULT_PORT
        except ValueError:
            raise EmailError("SMTP_PORT must be a number") from None
        return cls(
            host=host,
            port=port,
            sender=(env.get("SMTP_FROM") or "").strip() or profile.email,
            user=(env.get("SMTP_USER") or "").strip() or None,
            password=env.get("SMTP_PASSWORD") or None,
            security=security,
        )


def chat_link(profile: ClinicProfile, environ: Optional[Mapping[str, str]] = None) -> str:
    env = os.environ if environ is None else environ
    return (env.get("CHECKIN_CHAT_URL") or "").strip() or profile.website


def compose(address: str, sender: str, profile: ClinicProfile, link: str) -> EmailMessage:
    """The check-in email: what it is, the link back to the chat, and how to stop (plain text)."""
    wording = load_wording()
    message = EmailMessage()
    message["Subject"] = wording["email_subject"].text.format(clinic=profile.name)
    message["From"] = formataddr((profile.name, sender))
    message["To"] = address
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(wording["email_body"].text.format(clinic=profile.name, link=link, phone=profile.phone) + "\n")
    return message


def send(message: EmailMessage, settings: SmtpSettings) -> None:
    """Hands the email to the SMTP server; EmailError (without the password or the address) if it fails."""
    try:
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.user and settings.password:
                client.login(settings.user, settings.password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise EmailError(f"SMTP: {type(error).__name__}") from None
