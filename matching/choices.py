"""The answer options of the match survey. Its questions about the participant's background
(ethnic origin, education, employment, work experience as a support person) take programme's
vocabulary (`programme.models.choices`) and save on the participant's `programme.Background`.

The codes are stored in the database and encoded as bits for the scoring matrix
(`matching.scoring`): never reorder or reuse a code, only append.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    DANISH = "da", _("Danish")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    ARABIC = "ar", _("Arabic")
    TURKISH = "tr", _("Turkish")
    URDU = "ur", _("Urdu")
    POLISH = "pl", _("Polish")
    SOMALI = "so", _("Somali")
    PERSIAN = "fa", _("Persian")
    BOSNIAN = "bs", _("Bosnian, Croatian or Serbian")


class Activity(models.TextChoices):
    """What a peer needs and what a supporter can offer: the same list on both sides."""

    WALKS = "walks", _("Walks and exercise")
    COOKING = "cooking", _("Cooking and healthy food")
    COMPANY = "company", _("Company and someone to talk to")
    HEALTH_SYSTEM = "health_system", _("Help with the health care system")
    MEDICATION = "medication", _("Medication and blood sugar measurements")
    SHOPPING = "shopping", _("Shopping and everyday tasks")
    SOCIAL = "social", _("Social activities and associations")
    EMOTIONAL = "emotional", _("Coping with worries and low mood")


class Slot(models.TextChoices):
    WEEKDAY_MORNING = "weekday_morning", _("Weekdays, mornings")
    WEEKDAY_AFTERNOON = "weekday_afternoon", _("Weekdays, afternoons")
    WEEKDAY_EVENING = "weekday_evening", _("Weekdays, evenings")
    WEEKEND_MORNING = "weekend_morning", _("Weekends, mornings")
    WEEKEND_AFTERNOON = "weekend_afternoon", _("Weekends, afternoons")
    WEEKEND_EVENING = "weekend_evening", _("Weekends, evenings")


class Vulnerability(models.TextChoices):
    """Types of vulnerability: a peer's, and those a supporter cannot take on."""

    MENTAL_HEALTH = "mental_health", _("Mental health problems (depression, anxiety, stress)")
    SUBSTANCE_USE = "substance_use", _("Alcohol or drug use")
    MULTIMORBIDITY = "multimorbidity", _("Several other diseases")
    PHYSICAL_DISABILITY = "physical_disability", _("Physical disability or poor mobility")
    LANGUAGE_BARRIER = "language_barrier", _("Limited Danish")
    ISOLATION = "isolation", _("Loneliness, no social network")
    FINANCES = "finances", _("Financial difficulties")
    HOUSING = "housing", _("Housing problems")


class SexRequirement(models.TextChoices):
    ANY = "", _("No preference")
    FEMALE = "female", _("A woman")
    MALE = "male", _("A man")
