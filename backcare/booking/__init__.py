"""Booking and call-back requests: from what a patient types to a request the clinic can act on.

Plain Python, nothing of Rasa: checking answers (`validation`, `times`), the request (`request`), where it goes
(`backends`: SQLite, Cliniko, webhook; chosen in clinic.yml, see `settings`), the local file and outbox that
make sure no request is lost (`store`, `outbox`), the redacted call-back summary (`summary`), and every
question and reply of the booking conversation (`conversation`). See docs/booking.md.
"""
