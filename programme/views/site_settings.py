"""A site's settings page and its consent texts, for the site's own manager: a manager of another
site gets a 404, another role a 403 (docs/programme.md)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tod.accounts.models import Site
from tod.accounts.permissions import requires
from tod.accounts.roles import Permission
from tod.once.guard import once_per_submission

from .. import services
from ..forms import ConsentTextForm, SiteSettingsForm
from ..models import ConsentPurpose, ConsentText
from .common import add_service_error

P = Permission.MANAGE_PARTICIPANTS


def _own_sites(request: HttpRequest) -> QuerySet[Site]:
    return Site.objects.filter(pk__in=request.user.site_ids()).order_by("name")


def _own_site(request: HttpRequest, slug: str) -> Site:
    """The site named by `slug` if the user works there; 404 for any other, existing or not."""
    site = _own_sites(request).filter(slug=slug).first()
    if site is None:
        raise Http404
    return site


@requires(P)
def site_settings_sites(request: HttpRequest) -> HttpResponse:
    sites = list(_own_sites(request))
    if len(sites) == 1:
        return redirect("programme:site_settings", slug=sites[0].slug)
    return render(request, "programme/site_settings_sites.html", {"sites": sites})


@requires(P)
@require_http_methods(["GET", "POST"])
def site_settings(request: HttpRequest, slug: str) -> HttpResponse:
    site = _own_site(request, slug)
    current = services.site_settings_for(site)
    form = SiteSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.site_settings_update(
                site=site,
                by=request.user,
                retention_days=form.cleaned_data["retention_days"],
                **values,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The settings of %(site)s are saved.") % {"site": site})
            return redirect("programme:site_settings", slug=site.slug)
    texts = {text.purpose: text for text in ConsentText.objects.of_site(site).order_by("version")}
    return render(
        request,
        "programme/site_settings.html",
        {
            "site": site,
            "form": form,
            "current_texts": [texts[p] for p in ConsentPurpose if p in texts],
        },
    )


@requires(P)
@require_http_methods(["GET", "POST"])
@once_per_submission
def consent_text_list(request: HttpRequest, slug: str) -> HttpResponse:
    site = _own_site(request, slug)
    form = ConsentTextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = services.consent_text_publish(site=site, by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Version %(version)s of the text is now current in %(site)s.")
            % {"version": text.version, "site": site},
        )
        return redirect("programme:consent_text_list", slug=site.slug)
    return render(
        request,
        "programme/consent_text_list.html",
        {"site": site, "form": form, "texts": ConsentText.objects.of_site(site)},
    )
