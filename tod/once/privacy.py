"""Personal data of the once app (tod/personal_data.py)."""

from tod.personal_data import holds_none

from .models import Submission

holds_none(Submission, "a hash of a posted form and the page it led to, never the form's values")
