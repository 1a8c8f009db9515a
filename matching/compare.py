"""The two surveys of a possible pair side by side: one row per answer, marked shared (the
answers match or the need is met) or conflict (a hard constraint of one side)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from programme.models import Education, Employment, Origin, background_of

from . import scoring
from .choices import Activity, Language, Slot, Vulnerability
from .models import MatchSurvey, MatchWeights
from .pool import age_on, answers_for

SHARED, CONFLICT = "shared", "conflict"


def _labels(choices, values) -> str:
    names = dict(choices)
    return ", ".join(str(names.get(v, v)) for v in values) or "–"


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _requirements(s: MatchSurvey) -> str:
    parts = []
    if s.age_min is not None or s.age_max is not None:
        parts.append(_("age %(low)s–%(high)s") % {"low": s.age_min or "", "high": s.age_max or ""})
    if s.sex_required:
        parts.append(str(s.get_sex_required_display()))
    if s.same_ethnicity_required:
        parts.append(_("same origin"))
    if s.shared_language_required:
        parts.append(_("a shared language"))
    if s.non_smoker_required:
        parts.append(_("non-smoker"))
    if s.pet_allergy:
        parts.append(_("no pets (allergy)"))
    if s.max_distance_km is not None:
        parts.append(_("at most %(km)s km away") % {"km": s.max_distance_km})
    return ", ".join(parts) or _("none")


def compare_surveys(peer, peer_survey: MatchSurvey, supporter, supporter_survey: MatchSurvey):
    """Rows (question, peer's answer, supporter's answer, state) and the pair's explanation."""
    today = timezone.localdate()
    explanation = scoring.explain(
        answers_for(peer, peer_survey, today),
        answers_for(supporter, supporter_survey, today),
        MatchWeights.for_site(peer.site_id),
    )
    shared = set(explanation["shared"])
    conflicts = {constraint for constraint, _side in explanation["exclusions"]}

    def state(key_shared=None, key_conflict=None, also_shared=False):
        if key_conflict and key_conflict in conflicts:
            return CONFLICT
        if (key_shared and key_shared in shared) or also_shared:
            return SHARED
        return ""

    p, s = peer_survey, supporter_survey
    pb, sb = background_of(peer), background_of(supporter)
    distance = explanation["distance_km"]
    rows = [
        (
            _("Age"),
            age_on(peer.date_of_birth, today),
            age_on(supporter.date_of_birth, today),
            state("age", "age"),
        ),
        (_("Sex"), peer.get_sex_display(), supporter.get_sex_display(), state("sex", "sex")),
        (
            _("Ethnic origin"),
            _labels(Origin.choices, [pb.origin] if pb.origin else []),
            _labels(Origin.choices, [sb.origin] if sb.origin else []),
            state("ethnicity", "ethnicity"),
        ),
        (
            _("Education"),
            _labels(Education.choices, [pb.education] if pb.education else []),
            _labels(Education.choices, [sb.education] if sb.education else []),
            state("education"),
        ),
        (
            _("Employment"),
            _labels(Employment.choices, [pb.employment] if pb.employment else []),
            _labels(Employment.choices, [sb.employment] if sb.employment else []),
            state("occupation"),
        ),
        (
            _("Languages"),
            _labels(Language.choices, p.languages),
            _labels(Language.choices, s.languages),
            state(None, "language", bool(explanation["shared_languages"])),
        ),
        (
            _("Residence"),
            p.postcode or peer.postcode or "–",
            (s.postcode or supporter.postcode or "–")
            + " · "
            + (
                _("distance not checked")
                if distance is None
                else _("%(km)s km apart") % {"km": number_format(distance)}
            ),
            state(None, "distance"),
        ),
        (_("Motivation"), p.motivation or "–", s.motivation or "–", ""),
        (
            _("Needs and offers"),
            _labels(Activity.choices, p.activities),
            _labels(Activity.choices, s.activities),
            state(None, None, bool(explanation["needs_met"])),
        ),
        (
            _("Years with type 2 diabetes"),
            p.years_with_t2d,
            f"{s.years_with_t2d} · "
            + _("work experience as a support person: %(yes)s")
            % {"yes": _yes(sb.support_work_experience)},
            "",
        ),
        (
            _("Availability"),
            _labels(Slot.choices, p.availability),
            _labels(Slot.choices, s.availability),
            state(None, None, bool(explanation["shared_slots"])),
        ),
        (_("Smokes"), _yes(p.smokes), _yes(s.smokes), state(None, "smoking")),
        (_("Has pets"), _yes(p.has_pets), _yes(s.has_pets), state(None, "pets")),
        (_("Requirements"), _requirements(p), _requirements(s), ""),
        (
            _("Vulnerability / cannot take on"),
            _labels(Vulnerability.choices, p.vulnerabilities),
            _labels(Vulnerability.choices, s.vulnerabilities),
            state(None, "vulnerability"),
        ),
    ]
    return rows, explanation
