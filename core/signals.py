"""Project-wide signals. `demo_seeded` lets apps that build on the records (selection, rotation) add their own
demo data after `seed_demo` without the cadre app importing them (the arrows point one way)."""
from django.dispatch import Signal

# sent by `manage.py seed_demo` after the roster and accounts exist; kwargs: log (callable), today (date).
# A receiver may return a list of (username, label) demo accounts it created, to be printed.
demo_seeded = Signal()
