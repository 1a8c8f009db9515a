"""The evaluation's views, split by user: the nurse, the case records, the programme theories,
the qualitative data, the reports and the exports."""

from .cases import (
    case_configuration_add,
    case_detail,
    case_list,
    case_print,
    context_add,
    evidence_add,
    mechanism_add,
    outcome_save,
    record_delete,
)
from .exports import export_csv, export_qdpx
from .nurse import nurse_home, nurse_visit_detail, nurse_visit_edit
from .qualitative import (
    interview_create,
    interview_detail,
    interview_edit,
    interview_list,
    logbook_detail,
    observation_create,
    observation_detail,
    observation_list,
)
from .reports import (
    dashboard,
    report_engagement,
    report_icamo,
    report_mechanisms,
    report_prepost,
    report_sample,
)
from .theory import (
    theory_configuration_add,
    theory_configuration_edit,
    theory_detail,
    theory_list,
)

__all__ = [
    "case_configuration_add",
    "case_detail",
    "case_list",
    "case_print",
    "context_add",
    "dashboard",
    "evidence_add",
    "export_csv",
    "export_qdpx",
    "interview_create",
    "interview_detail",
    "interview_edit",
    "interview_list",
    "logbook_detail",
    "mechanism_add",
    "nurse_home",
    "nurse_visit_detail",
    "nurse_visit_edit",
    "observation_create",
    "observation_detail",
    "observation_list",
    "outcome_save",
    "record_delete",
    "report_engagement",
    "report_icamo",
    "report_mechanisms",
    "report_prepost",
    "report_sample",
    "theory_configuration_add",
    "theory_configuration_edit",
    "theory_detail",
    "theory_list",
]
