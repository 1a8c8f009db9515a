"""Personal data of the privacy app (tod/personal_data.py)."""

from tod.personal_data import personal_data

from .models import ErasureRecord

personal_data(ErasureRecord, subjects=["participant"])
