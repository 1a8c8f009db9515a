"""English as in Britain (Django's en_GB), with the 24-hour clock that Danish readers and the rest
of the interface use (14:30, not 2:30 p.m.)."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j M Y, H:i"  # 25 Oct 2006, 14:30
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 25/10/2006 14:30

# The project's own names (see tod/formats/__init__.py).
WEEKDAY_MONTH_DAY_FORMAT = "l j F"  # Wednesday 25 October
WEEKDAY_DATE_FORMAT = "l j F Y"  # Wednesday 25 October 2006
WEEKDAY_MONTH_DAY_TIME_FORMAT = "l j F, H:i"  # Wednesday 25 October, 14:30
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"  # Wednesday 25 October 2006, 14:30
