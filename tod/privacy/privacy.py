"""Personal data of the privacy app (tod/privacy/registry.py)."""

from tod.privacy.registry import personal_data

from .models import ErasureRecord

personal_data(ErasureRecord, subjects=["participant"])
