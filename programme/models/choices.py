"""The participant's choice lists, in a module of their own so that the models of screening,
consent and training can use them while Participant's queryset reads those models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PEER = "peer", _("Peer")
    SUPPORTER = "supporter", _("Peer supporter")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class ReferralChannel(models.TextChoices):
    CENTRE_FOR_DIABETES = "centre_for_diabetes", _("Centre for Diabetes")
    DIABETES_ASSOCIATION = "diabetes_association", _("Danish Diabetes Association")
    GENERAL_PRACTITIONER = "general_practitioner", _("General practitioner")
    HOME_CARE = "home_care", _("Home care")
    WEB_PAGE = "web_page", _("The programme's web page")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    REFERRED = "referred", _("Referred")
    SCREENED = "screened", _("Screened")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    CONSENTED = "consented", _("Consented")
    TRAINED = "trained", _("Trained")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The participant's background (programme.Background): one vocabulary for the match survey, the
# participant record and the evaluation's sample table, in the study's categories (Table 2). The
# codes are stored and encoded as bits by the matching's scorer: never reorder or reuse a code.


class Origin(models.TextChoices):
    DANISH = "danish", _("Danish")
    WESTERN = "western", _("Other Western")
    NON_WESTERN = "non_western", _("Non-Western")


class Education(models.TextChoices):
    SHORT = "short", _("Short (primary school)")
    VOCATIONAL = "vocational", _("Vocational")
    INTERMEDIATE = "intermediate", _("Short or intermediate higher education")
    LONG = "long", _("Long higher education")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    UNEMPLOYED = "unemployed", _("Unemployed or on cash benefits")
    SICK_LEAVE = "sick_leave", _("On sick leave")
    EARLY_RETIREMENT = "early_retirement", _("Early retirement (disability pension)")
    RETIRED = "retired", _("Retired")


class Complication(models.TextChoices):
    CARDIOVASCULAR = "cardiovascular", _("Cardiovascular disease")
    HYPERTENSION = "hypertension", _("Hypertension")
    NEUROPATHY = "neuropathy", _("Neuropathy")
    NEPHROPATHY = "nephropathy", _("Nephropathy")
    RETINOPATHY = "retinopathy", _("Retinopathy")
    FOOT_ULCER = "foot_ulcer", _("Foot ulcer")


class Diagnosis(models.TextChoices):
    DEPRESSION = "depression", _("Depression")
    ANXIETY = "anxiety", _("Anxiety")
    STRESS = "stress", _("Stress")
    ARTHRITIS = "arthritis", _("Arthritis")
    COPD = "copd", _("COPD")
    OTHER = "other", _("Other diagnosis")
