from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tod.accounts.permissions import requires
from tod.accounts.roles import Permission

from .forms import ContactPreferenceForm, OutboxFilterForm
from .models import ContactPreference, Reminder

PAGE_SIZE = 50


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
