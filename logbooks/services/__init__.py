"""Writes across models for pairs' meetings and logbooks.

`pair_start` and `pair_end` are the contract other apps call: matching starts a pair when its
match meeting is held; programme ends a pair when a participant withdraws. Every change to a
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
from .pairs import (
    meeting_add,
    meeting_move,
    meeting_record_cancelled,
    meeting_record_held,
    meeting_record_missed,
    pair_complete,
    pair_continue,
    pair_end,
    pair_pause,
    pair_plan_update,
    pair_resume,
    pair_start,
    pairs_continue_substituted,
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
    "pair_complete",
    "pair_continue",
    "pair_end",
    "pair_pause",
    "pair_plan_update",
    "pair_resume",
    "pair_start",
    "pairs_alert_at_risk",
    "pairs_complete_due",
    "pairs_continue_substituted",
    "plan_dates",
    "suggest_supervision_topic_from_logbook",
]
