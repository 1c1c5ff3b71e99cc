"""The staff console: reception and clinical staff see booking and call-back requests, conversations, misses,
the weekly report and the content book in a browser (issue 23). The web layer only: what the pages show comes
from backcare.booking and backcare.insight, shared with the staff commands in scripts/."""
