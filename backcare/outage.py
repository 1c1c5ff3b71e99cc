"""What the assistant says when a look-up cannot be done (the action server is down or too slow)."""

from __future__ import annotations

from backcare.clinic import ClinicProfile


def lookup_unavailable_text(profile: ClinicProfile) -> str:
    """A kind apology that still gives the two ways to get help: the clinic's phone and, for the warning
    signs, 999. The failed look-up may have been a red-flag check, so the 999 advice is never left out."""
    return (
        f"Sorry, I can't look that up right now. Please try again in a few minutes, or call {profile.name} "
        f"on {profile.phone}. If you have numbness around your bottom, trouble peeing or weak legs, or you "
        "feel very unwell, call 999 now."
    )
