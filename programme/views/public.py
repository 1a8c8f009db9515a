"""The public interest form on the programme's web page: no login, hard to abuse.

Defences: Django's CSRF check, a honeypot field (bots that fill it get the same thank-you page
and nothing is stored), a limit per client address counted in the database (so it holds across
processes), length limits on every field, and a redirect to a confirmation page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from tod.accounts.models import Site
from tod.accounts.throttling import client_address
from tod.once.guard import once_per_submission

from .. import services
from ..forms import InterestForm
from ..models import SiteSettings


def _client_address(request: HttpRequest) -> str:
    """The client's address, read behind TRUSTED_PROXY_COUNT reverse proxies (as login
    throttling reads it)."""
    return client_address(request) or "unknown"


def _site(slug: str) -> Site:
    """The site with its settings, in one query."""
    return get_object_or_404(Site.objects.select_related("programme_settings"), slug=slug)


def _settings_of(site: Site) -> SiteSettings:
    try:
        return site.programme_settings
    except SiteSettings.DoesNotExist:
        return services.site_settings_for(site)


def interest_sites(request: HttpRequest) -> HttpResponse:
    sites = list(Site.objects.order_by("name"))
    if len(sites) == 1:
        return redirect("programme:interest", slug=sites[0].slug)
    return render(request, "programme/interest_sites.html", {"sites": sites})


@require_http_methods(["GET", "POST"])
@once_per_submission
def interest(request: HttpRequest, slug: str) -> HttpResponse:
    site = _site(slug)
    if request.method == "POST":
        address = _client_address(request)
        if not services.interest_attempt_claim(address=address):
            return render(request, "programme/interest_limited.html", {"site": site}, status=429)
        form = InterestForm(request.POST)
        if form.is_bot():
            return redirect("programme:interest_thanks", slug=site.slug)
        if form.is_valid():
            data = form.cleaned_data
            services.interest_submit(
                site=site,
                kind=data["kind"],
                message=data["message"],
                first_name=data["first_name"].strip(),
                last_name=data["last_name"].strip(),
                date_of_birth=data["date_of_birth"],
                sex=data["sex"],
                phone=data["phone"] or "",
                email=data["email"],
                postcode=data["postcode"],
            )
            return redirect("programme:interest_thanks", slug=site.slug)
    else:
        form = InterestForm()
    return render(
        request,
        "programme/interest_form.html",
        {"form": form, "site": site, "contact": _settings_of(site)},
    )


def interest_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    site = _site(slug)
    return render(
        request,
        "programme/interest_thanks.html",
        {"site": site, "contact": _settings_of(site)},
    )
