"""Personal data of the once app (tod/privacy/registry.py)."""

from tod.privacy.registry import holds_none

from .models import Submission

holds_none(Submission, "a hash of a posted form and the page it led to, never the form's values")
