"""Writes across models for pairs, their meetings and logbooks.

Every change of a pair's status is in `pairs` (one state machine, ADR 0009); programme reaches
it only through the withdrawal registry that LogbooksConfig.ready fills. Every change to a
meeting re-syncs its reminders (`meeting_reminders_sync`), so moving or cancelling a meeting
moves or cancels its reminders in the same transaction.
"""

from .entries import (
    logbook_comment_add,
    logbook_review,
    logbook_save,
    logbook_support_handle,
    suggest_supervision_topic_from_logbook,
)
from .meetings import (
    meeting_add,
    meeting_move,
    meeting_record_cancelled,
    meeting_record_held,
    meeting_record_missed,
    pair_plan_update,
)
from .pairs import (
    pair_answer_record,
    pair_complete,
    pair_continue,
    pair_end,
    pair_match_meeting_record,
    pair_match_meeting_schedule,
    pair_pause,
    pair_propose,
    pair_resume,
    pair_start,
    pair_substitute_supporter,
    pairs_continue_substituted,
    pairs_end_for_withdrawal,
    proposals_accept_all,
)
from .periodic import (
    calendar_feed_for,
    calendar_feed_revoke,
    calendar_feed_rotate,
    pairs_alert_at_risk,
    pairs_complete_due,
)
from .reminders import (
    LOGBOOK_REMINDER_AFTER,
    LOGBOOK_REMINDER_TIME,
    local_datetime,
    meeting_reminders_sync,
    meetings_reminders_sync,
    plan_dates,
)

__all__ = [
    "LOGBOOK_REMINDER_AFTER",
    "LOGBOOK_REMINDER_TIME",
    "calendar_feed_for",
    "calendar_feed_revoke",
    "calendar_feed_rotate",
    "local_datetime",
    "logbook_comment_add",
    "logbook_review",
    "logbook_save",
    "logbook_support_handle",
    "meeting_add",
    "meeting_move",
    "meeting_record_cancelled",
    "meeting_record_held",
    "meeting_record_missed",
    "meeting_reminders_sync",
    "meetings_reminders_sync",
    "pair_answer_record",
    "pair_complete",
    "pair_continue",
    "pair_end",
    "pair_match_meeting_record",
    "pair_match_meeting_schedule",
    "pair_pause",
    "pair_plan_update",
    "pair_propose",
    "pair_resume",
    "pair_start",
    "pair_substitute_supporter",
    "pairs_alert_at_risk",
    "pairs_complete_due",
    "pairs_continue_substituted",
    "pairs_end_for_withdrawal",
    "plan_dates",
    "proposals_accept_all",
    "suggest_supervision_topic_from_logbook",
]
