"""Danish as Django writes it, with the project's own names (see tod/formats/__init__.py)."""

from django.conf.locale.da.formats import *  # noqa: F403

WEEKDAY_MONTH_DAY_FORMAT = "l j. F"  # onsdag 25. oktober
WEEKDAY_DATE_FORMAT = "l j. F Y"  # onsdag 25. oktober 2006
WEEKDAY_MONTH_DAY_TIME_FORMAT = "l j. F H:i"  # onsdag 25. oktober 14:30
WEEKDAY_DATETIME_FORMAT = "l j. F Y H:i"  # onsdag 25. oktober 2006 14:30
