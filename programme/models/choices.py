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
