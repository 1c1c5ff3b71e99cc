"""Messaging-channel connectors for the Rasa server (not the action server).

- `channels.whatsapp.WhatsAppInput`: WhatsApp through Twilio, at /webhooks/whatsapp/webhook
- `channels.telegram.TelegramInput`: Telegram, at /webhooks/telegram/webhook
- `channels.common`: what both share (splitting long answers, numbered buttons, remembering recent deliveries)
- `channels.local_platform`: a local stand-in for the Twilio and Telegram APIs, for tests and scripts/channel_try.py

Each connector is listed in credentials.yml and reads its settings from environment variables (a value written in
the credentials file wins); without them the channel stays off and the rest of the assistant runs. docs/channels.md
explains how a clinic connects its Twilio WhatsApp sender and its Telegram bot.
"""

import rasa_patches

# The Rasa server imports this package (every connector in credentials.yml is in it) before it serves anything:
# the Rasa fixes are applied here for `rasa run`, whichever way it was started (rasa_patches/__init__.py).
rasa_patches.apply()
