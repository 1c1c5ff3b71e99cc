"""Fixes to Rasa 3.6 itself, applied inside the Rasa server when it imports this package (see channels/__init__.py).

Each fix keeps Rasa's behaviour and says in its module which measurement or failure it answers. Fixes that Rasa lets
us plug in by configuration live elsewhere (stores/ for the tracker and lock stores).
"""

from rasa_patches import action_results

action_results.apply()
