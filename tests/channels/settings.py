"""The made-up accounts the channel tests use (from channels.local_platform), with the connectors' settings
pointed at a local fake of the platforms' APIs."""

from __future__ import annotations

from typing import Any

from channels.local_platform import (
    LOCAL_ACCOUNT_SID as ACCOUNT_SID,
)
from channels.local_platform import (
    LOCAL_AUTH_TOKEN as AUTH_TOKEN,
)
from channels.local_platform import (
    LOCAL_BOT_TOKEN as BOT_TOKEN,
)
from channels.local_platform import (
    LOCAL_CLINIC_NUMBER as CLINIC_NUMBER,
)
from channels.local_platform import (
    LOCAL_PUBLIC_WEBHOOK_URL as PUBLIC_WEBHOOK_URL,
)
from channels.local_platform import (
    LOCAL_SECRET as SECRET,
)
from channels.local_platform import (
    local_credentials,
)
from channels.telegram import TelegramSettings
from channels.whatsapp import WhatsAppSettings

__all__ = [
    "ACCOUNT_SID",
    "AUTH_TOKEN",
    "BOT_TOKEN",
    "CLINIC_NUMBER",
    "PUBLIC_WEBHOOK_URL",
    "SECRET",
    "TELEGRAM_TEST_LIMIT",
    "credentials",
    "telegram_settings",
    "whatsapp_settings",
]

# Telegram's real limit is 4,096; a smaller one on the running assistant shows the split on its real answers.
TELEGRAM_TEST_LIMIT = 300


def credentials(api_base_url: str, telegram_limit: int = TELEGRAM_TEST_LIMIT) -> dict[str, Any]:
    return local_credentials(api_base_url, telegram_max_length=telegram_limit)


def whatsapp_settings(api_base_url: str) -> WhatsAppSettings:
    settings = WhatsAppSettings.from_credentials(credentials(api_base_url)["channels.whatsapp.WhatsAppInput"])
    assert settings is not None
    return settings


def telegram_settings(api_base_url: str, limit: int = TELEGRAM_TEST_LIMIT) -> TelegramSettings:
    settings = TelegramSettings.from_credentials(credentials(api_base_url, limit)["channels.telegram.TelegramInput"])
    assert settings is not None
    return settings
