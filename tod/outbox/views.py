from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tod.accounts.permissions import requires
from tod.accounts.roles import Permission

from .forms import ContactPreferenceForm, OutboxFilterForm
from .models import ContactPreference, Reminder

PAGE_SIZE = 50

# Why the outbox cancelled or gave up on a reminder: the services store these fixed English
# reasons on the row; the page shows them in the reader's language. Errors of a channel (an SMTP
# or gateway message) are shown as they came.
REASONS = {
    "no longer wanted": gettext_lazy("no longer wanted"),
    "invitation cancelled": gettext_lazy("invitation cancelled"),
    "session cancelled": gettext_lazy("session cancelled"),
    "supporter changed": gettext_lazy("supporter changed"),
    "post-visit recorded": gettext_lazy("post-visit recorded"),
    "recipient withdrawn from the programme": gettext_lazy(
        "recipient withdrawn from the programme"
    ),
    "recipient's account is inactive": gettext_lazy("recipient's account is inactive"),
    "recipient does not want this channel": gettext_lazy("recipient does not want this channel"),
    "no address for this channel": gettext_lazy("no address for this channel"),
}


@requires(Permission.VIEW_OUTBOX)
def outbox_list(request: HttpRequest) -> HttpResponse:
    """The manager's outbox: reminders of their sites, due, sent or failed, with filters."""
    form = OutboxFilterForm(request.GET or None)
    reminders = Reminder.objects.for_user(request.user).select_related(
        "recipient_user", "recipient_participant"
    )
    if form.is_valid():
        for name in ("status", "kind", "channel"):
            if form.cleaned_data[name]:
                reminders = reminders.filter(**{name: form.cleaned_data[name]})
    page = Paginator(reminders.order_by("-due_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for reminder in page:
        reminder.reason = REASONS.get(reminder.last_error, reminder.last_error)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outbox/reminder_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Each user chooses how they want reminders: e-mail, SMS, both or none."""
    preference = ContactPreference.objects.filter(user=request.user).first() or ContactPreference(
        user=request.user
    )
    form = ContactPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("outbox:preferences")
    return render(request, "outbox/preferences.html", {"form": form})
