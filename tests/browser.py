"""Helpers for the browser tests: Playwright for Python driving Debian's Chromium against the
live server on the real test database. The fixtures `browser` and `open_page` are in
tests/conftest.py; screenshots of key pages go to screenshots/ (kept out of git)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "screenshots"
AXE = Path(__file__).parent / "e2e" / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "tablet": {"width": 820, "height": 1180},
    "desktop": {"width": 1366, "height": 900},
}


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; return the violations of the given impacts."""
    # Evaluated through the DevTools protocol, which the page's Content Security Policy (rightly)
    # does not let a <script> tag do.
    page.evaluate(AXE.read_text())
    # A control just clicked may still be fading to its checked colours (Bootstrap's 0.15 s
    # transitions): axe would measure the contrast halfway. Finish them; the user sees the end.
    # (An endless animation, a spinner's, cannot be finished and is left running.)
    page.evaluate("document.getAnimations().forEach((a) => { try { a.finish(); } catch (e) {} })")
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def log_in(page, username: str, password: str) -> None:
    """Log in as a person would: password, then the code from the app where the user has one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import current_code
    from tod.accounts.models import User

    page.goto("/accounts/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
    user = User.objects.get(username=username)
    if "/two-step/verify/" in page.url and TOTPDevice.objects.filter(user=user).exists():
        page.get_by_label("Kode").fill(current_code(user))
        page.get_by_role("button", name="Fortsæt").click()
        page.wait_for_load_state()
