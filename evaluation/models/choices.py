"""The evaluation's vocabularies: the study's categories as choices, so reports can count them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The background's vocabulary is programme's (one source for the match survey, the participant
# record and the sample table, ADR 0013); the evaluation reads it from there.
from programme.models.choices import (  # noqa: F401 (re-exported)
    Complication,
    Diagnosis,
    Education,
    Employment,
    Origin,
)


class VisitKind(models.TextChoices):
    PRE = "pre", _("Pre-visit (before the intervention)")
    POST = "post", _("Post-visit (after six months)")


class Medication(models.TextChoices):
    NONE = "none", _("No diabetes medication")
    METFORMIN = "metformin", _("Metformin")
    SULFONYLUREA = "sulfonylurea", _("Sulfonylurea")
    DPP4 = "dpp4", _("DPP-4 inhibitor")
    SGLT2 = "sglt2", _("SGLT2 inhibitor")
    GLP1 = "glp1", _("GLP-1 receptor agonist")
    INSULIN = "insulin", _("Insulin")


class Adherence(models.TextChoices):
    ALWAYS = "always", _("Takes it as prescribed")
    MOSTLY = "mostly", _("Mostly as prescribed")
    SOMETIMES = "sometimes", _("Sometimes")
    RARELY = "rarely", _("Rarely or never")
    NOT_APPLICABLE = "not_applicable", _("No medication prescribed")


class Rehabilitation(models.TextChoices):
    NONE = "none", _("Not referred")
    REFERRED = "referred", _("Referred, not started")
    # "Attending" alone is ambiguous (a meeting's attendance, a person): the context keeps its
    # Danish the state of a rehabilitation course.
    ATTENDING = "attending", pgettext_lazy("diabetes rehabilitation", "Attending")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined or dropped out")


class OutcomeKind(models.TextChoices):
    SELF_CARE_AWARENESS = "self_care_awareness", _("Increased self-care awareness")
    SELF_MANAGEMENT = "self_management", _("Diabetes self-management")
    HEALTH_CARE_USE = "health_care_use", _("Use of health care services")
    OTHER_BEHAVIOUR = "other_behaviour", _("Other behaviour")

    @classmethod
    def immediate(cls) -> list[str]:
        return [cls.SELF_CARE_AWARENESS]

    @classmethod
    def intermediate(cls) -> list[str]:
        return [cls.SELF_MANAGEMENT, cls.HEALTH_CARE_USE, cls.OTHER_BEHAVIOUR]


class OutcomeResult(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNCLEAR = "unclear", _("Unclear")


class OtherBehaviour(models.TextChoices):
    HYGIENE = "hygiene", _("Personal hygiene")
    TIDYING = "tidying", _("Cleaning and tidying the home")
    DRESSING = "dressing", _("Getting dressed in the morning")
    SOCIAL = "social", _("Going out, meeting people")
    OTHER = "other", _("Other")


class ContextSubject(models.TextChoices):
    PEER = "peer", _("Peer")
    SUPPORTER = "supporter", _("Peer supporter")
    PAIR = "pair", _("Both (the pair)")


class ContextCategory(models.TextChoices):
    FINANCES_OCCUPATION = "finances_occupation", _("Finances and occupation")
    ENERGY = "energy", _("Energy")
    HEALTH = "health", _("Health condition")
    LIFE_EVENTS = "life_events", _("Other life events")
    LIVED_EXPERIENCE = "lived_experience", _("Lived experience (personal and work-related)")
    SUPPORTER_HEALTH = "supporter_health", _("The supporter's health")
    SIMILARITY = "similarity", _("Sociodemographic similarities")
    OTHER = "other", _("Other context")


class Influence(models.TextChoices):
    FACILITATING = "facilitating", _("Facilitating")
    HINDERING = "hindering", _("Hindering")
    NEUTRAL = "neutral", _("No clear influence")


class MechanismKind(models.TextChoices):
    RESOURCE = "resource", _("Resource")
    REASONING = "reasoning", _("Reasoning")


class MechanismCategory(models.TextChoices):
    # resources: what the intervention brings in
    LIVED_EXPERIENCE = "lived_experience", _("Use of lived experience")
    ADAPTING_ROLE = "adapting_role", _("Adapting the role")
    # reasonings: how the actors respond
    TRUST = "trust", _("Trust")
    RESPECT = "respect", _("Respect")
    EMPATHY = "empathy", _("Empathy")
    CARE = "care", _("Care")
    HONESTY = "honesty", _("Honesty")
    UNDERSTANDING = "understanding", _("Understanding each other's situation")
    BEING_EQUAL = "being_equal", _("Being equal")

    @classmethod
    def kind_of(cls, value: str) -> str:
        if value in (cls.LIVED_EXPERIENCE, cls.ADAPTING_ROLE):
            return MechanismKind.RESOURCE
        return MechanismKind.REASONING

    @classmethod
    def resources(cls) -> list[str]:
        return [cls.LIVED_EXPERIENCE, cls.ADAPTING_ROLE]

    @classmethod
    def reasonings(cls) -> list[str]:
        return [c for c in cls.values if c not in cls.resources()]


class Actor(models.TextChoices):
    PEER = "peer", _("Peer")
    SUPPORTER = "supporter", _("Peer supporter")
    BOTH = "both", _("Peer and peer supporter")
    PROJECT_MANAGER = "project_manager", _("Project manager")


class Component(models.TextChoices):
    RECRUITMENT = "recruitment", _("Recruitment")
    TRAINING = "training", _("Training course")
    MATCHMAKING = "matchmaking", _("Matchmaking")
    MEETINGS = "meetings", _("Peer-to-peer meetings")
    SUPERVISION = "supervision", _("Supervision and network meetings")


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    REFUTES = "refutes", _("Refutes")
    REFINES = "refines", _("Refines")


class TheoryKind(models.TextChoices):
    INITIAL = "initial", _("Initial programme theory")
    REFINED = "refined", _("Refined programme theory")


class InformantType(models.TextChoices):
    PEER = "peer", _("Peer")
    SUPPORTER = "supporter", _("Peer supporter")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    NURSE = "nurse", _("Diabetes nurse")


class InterviewMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    TELEPHONE = "telephone", _("By telephone")


class ObservationSetting(models.TextChoices):
    TRAINING = "training", _("Training course")
    SUPERVISION = "supervision", _("Supervision")
    NETWORK_MEETING = "network_meeting", _("Network meeting")


class SourceKind(models.TextChoices):
    LOGBOOK = "logbook", _("Logbook entry")
    INTERVIEW = "interview", _("Interview excerpt")
    OBSERVATION = "observation", _("Observation note")
    NURSE_VISIT = "nurse_visit", _("Nurse visit")
