"""Forms validate; the services orchestrate. One module per component, as the views; callers
import the forms from here (`from programme.forms import ParticipantForm`); evaluation's forms reuse
ModelMultipleChoiceField."""

from .background import BackgroundForm
from .common import ModelMultipleChoiceField
from .imports import ImportUploadForm
from .public import InterestForm
from .recruitment import (
    ConsentForm,
    ConsentTextForm,
    ConversationForm,
    ParticipantDetailsForm,
    ParticipantFilterForm,
    ParticipantForm,
    RoundForm,
    ScreeningForm,
    WithdrawalForm,
)
from .site_settings import SiteSettingsForm
from .supervision import (
    ActionForm,
    DilemmaForm,
    NotesForm,
    SeriesForm,
    SessionEditForm,
    SessionForm,
)
from .training import AttendanceForm, CourseForm, InviteForm

__all__ = [
    "ActionForm",
    "AttendanceForm",
    "BackgroundForm",
    "ConsentForm",
    "ConsentTextForm",
    "ConversationForm",
    "CourseForm",
    "DilemmaForm",
    "ImportUploadForm",
    "InterestForm",
    "InviteForm",
    "ModelMultipleChoiceField",
    "NotesForm",
    "ParticipantDetailsForm",
    "ParticipantFilterForm",
    "ParticipantForm",
    "RoundForm",
    "ScreeningForm",
    "SeriesForm",
    "SessionEditForm",
    "SessionForm",
    "SiteSettingsForm",
    "WithdrawalForm",
]
