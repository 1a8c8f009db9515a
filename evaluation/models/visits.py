"""The diabetes nurse's visits before and after the intervention. Each participant's background
(origin, education, employment, ...) is programme's (`programme.Background`, ADR 0013)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from logbooks.models import PairStatus
from tod.accounts.scoping import SiteScopedQuerySet

from .. import scoring
from .choices import (
    Adherence,
    Complication,
    Diagnosis,
    Medication,
    Rehabilitation,
    VisitKind,
)

WHO5_QUESTIONS = [
    _("I have felt cheerful and in good spirits"),
    _("I have felt calm and relaxed"),
    _("I have felt active and vigorous"),
    _("I woke up feeling fresh and rested"),
    _("My daily life has been filled with things that interest me"),
]
WHO5_ANSWERS = [
    (5, _("All of the time")),
    (4, _("Most of the time")),
    (3, _("More than half of the time")),
    (2, _("Less than half of the time")),
    (1, _("Some of the time")),
    (0, _("At no time")),
]
PAID5_QUESTIONS = [
    _("Feeling scared when you think about living with diabetes"),
    _("Feeling depressed when you think about living with diabetes"),
    _("Worrying about the future and the possibility of serious complications"),
    _("Feeling that diabetes is taking up too much of your mental and physical energy every day"),
    _("Coping with complications of diabetes"),
]
PAID5_ANSWERS = [
    (0, _("Not a problem")),
    (1, _("Minor problem")),
    (2, _("Moderate problem")),
    (3, _("Somewhat serious problem")),
    (4, _("Serious problem")),
]


class NurseVisitQuerySet(SiteScopedQuerySet):
    def pre(self):
        return self.filter(kind=VisitKind.PRE)

    def post(self):
        return self.filter(kind=VisitKind.POST)


def _item(label, choices):
    return models.PositiveSmallIntegerField(label, choices=choices, null=True, blank=True)


class NurseVisit(models.Model):
    """One visit: measures, medication, diagnoses, health care use and the two questionnaires."""

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    peer = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer"),
        on_delete=models.PROTECT,
        related_name="nurse_visits",
    )
    kind = models.CharField(_("visit"), max_length=4, choices=VisitKind.choices)
    visited_on = models.DateField(_("date of visit"))
    nurse = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nurse"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # clinical measures
    hba1c_mmol_mol = models.PositiveSmallIntegerField(_("HbA1c (mmol/mol)"), null=True, blank=True)
    systolic_mmhg = models.PositiveSmallIntegerField(
        _("systolic blood pressure (mmHg)"), null=True, blank=True
    )
    diastolic_mmhg = models.PositiveSmallIntegerField(
        _("diastolic blood pressure (mmHg)"), null=True, blank=True
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    waist_cm = models.DecimalField(
        _("waist (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    # medication
    medication = models.JSONField(_("current diabetes medication"), default=list, blank=True)
    medication_note = models.CharField(_("medication, details"), max_length=300, blank=True)
    adherence = models.CharField(
        _("adherence"), max_length=16, choices=Adherence.choices, blank=True
    )
    # diagnoses
    complications = models.JSONField(_("diabetes complications"), default=list, blank=True)
    other_diagnoses = models.JSONField(_("other diagnoses"), default=list, blank=True)
    other_diagnoses_note = models.CharField(
        _("other diagnoses, details"), max_length=300, blank=True
    )
    # use of health care services, the last six months
    gp_contacts = models.PositiveSmallIntegerField(
        _("GP contacts in the last six months"), null=True, blank=True
    )
    missed_appointments = models.PositiveSmallIntegerField(
        _("missed appointments in the last six months"), null=True, blank=True
    )
    rehabilitation = models.CharField(
        _("diabetes rehabilitation"), max_length=12, choices=Rehabilitation.choices, blank=True
    )
    # questionnaires
    who5_1 = _item(WHO5_QUESTIONS[0], WHO5_ANSWERS)
    who5_2 = _item(WHO5_QUESTIONS[1], WHO5_ANSWERS)
    who5_3 = _item(WHO5_QUESTIONS[2], WHO5_ANSWERS)
    who5_4 = _item(WHO5_QUESTIONS[3], WHO5_ANSWERS)
    who5_5 = _item(WHO5_QUESTIONS[4], WHO5_ANSWERS)
    paid5_1 = _item(PAID5_QUESTIONS[0], PAID5_ANSWERS)
    paid5_2 = _item(PAID5_QUESTIONS[1], PAID5_ANSWERS)
    paid5_3 = _item(PAID5_QUESTIONS[2], PAID5_ANSWERS)
    paid5_4 = _item(PAID5_QUESTIONS[3], PAID5_ANSWERS)
    paid5_5 = _item(PAID5_QUESTIONS[4], PAID5_ANSWERS)
    who5_score = models.PositiveSmallIntegerField(
        _("WHO-5 well-being (0-100)"), null=True, blank=True, editable=False
    )
    paid5_score = models.PositiveSmallIntegerField(
        _("PAID-5 diabetes distress (0-20)"), null=True, blank=True, editable=False
    )
    self_care_note = models.TextField(_("the nurse's note on self-care awareness"), blank=True)
    early_reason = models.TextField(
        _("why the post-visit is early"),
        max_length=2000,
        blank=True,
        help_text=_("A post-visit before the pair has ended or is due says why."),
    )
    confirmed_warnings = models.JSONField(
        _("unusual values confirmed"), default=list, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = NurseVisitQuerySet.as_manager()

    class Meta:
        ordering = ["peer_id", "kind"]
        verbose_name = _("nurse visit")
        verbose_name_plural = _("nurse visits")
        constraints = [
            models.UniqueConstraint(fields=["peer", "kind"], name="nurse_visit_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.visited_on}"

    @property
    def who5_items(self) -> list[int | None]:
        return [self.who5_1, self.who5_2, self.who5_3, self.who5_4, self.who5_5]

    @property
    def paid5_items(self) -> list[int | None]:
        return [self.paid5_1, self.paid5_2, self.paid5_3, self.paid5_4, self.paid5_5]

    def compute_scores(self) -> None:
        self.who5_score = scoring.who5_percent(self.who5_items)
        self.paid5_score = scoring.paid5_total(self.paid5_items)

    def medication_labels(self) -> list[str]:
        return _labels(Medication, self.medication)

    def complication_labels(self) -> list[str]:
        return _labels(Complication, self.complications)

    def other_diagnosis_labels(self) -> list[str]:
        return _labels(Diagnosis, self.other_diagnoses)

    def who5_answers(self) -> list[tuple[str, str | None]]:
        """(question, the chosen answer's label or None) for each WHO-5 item."""
        return _answers(WHO5_QUESTIONS, WHO5_ANSWERS, self.who5_items)

    def paid5_answers(self) -> list[tuple[str, str | None]]:
        return _answers(PAID5_QUESTIONS, PAID5_ANSWERS, self.paid5_items)

    @property
    def hba1c_percent(self):
        return scoring.hba1c_percent(self.hba1c_mmol_mol)

    @property
    def bmi(self):
        return scoring.bmi(self.weight_kg, self.height_cm)

    @property
    def paid5_distress(self) -> bool | None:
        return scoring.paid5_distress(self.paid5_score)

    @property
    def who5_poor(self) -> bool | None:
        return scoring.who5_poor_wellbeing(self.who5_score)


def _labels(choices: type[models.TextChoices], codes) -> list[str]:
    labels = dict(choices.choices)
    return [str(labels.get(code, code)) for code in codes or ()]


def _answers(questions, answers, values) -> list[tuple[str, str | None]]:
    labels = dict(answers)
    return [
        (str(question), None if value is None else str(labels.get(value, value)))
        for question, value in zip(questions, values, strict=True)
    ]


def post_visit_due_on(started_on: dt.date | None, ended_on: dt.date | None) -> dt.date | None:
    """Six months after the pair started, or the day it ended when that came first."""
    if started_on is None:
        return None
    month = started_on.month + 6
    year = started_on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(started_on.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    due = dt.date(year, month, day)
    if ended_on is not None and ended_on < due:
        return ended_on
    return due


# The post-visit is offered this many days before it is due (the nurse's reminder goes out then).
POST_VISIT_DUE_SOON_DAYS = 14


def post_visit_is_early(
    *,
    pair_status: str | None,
    started_on: dt.date | None,
    ended_on: dt.date | None,
    today: dt.date,
) -> bool:
    """Whether a post-visit recorded today comes early: the peer's pair has not ended (ended
    early or completed the programme) and the post-visit is not due within two weeks. The nurse
    may record it early all the same, saying why (the visit's `early_reason`)."""
    if pair_status in (PairStatus.ENDED, PairStatus.COMPLETED):
        return False
    due = post_visit_due_on(started_on, ended_on)
    return due is None or (due - today).days > POST_VISIT_DUE_SOON_DAYS
