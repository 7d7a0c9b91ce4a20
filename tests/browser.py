"""Driving Debian chromium through Playwright: the launch options and the waits every browser test shares.

Waits are on what the page shows (a locator, a navigation the click starts), never on network idle: htmx
polling and slow renders under CPU load make "idle" both slow and unreliable. Predicates run in the test, not
as page-evaluated strings (``wait_for_function`` with a string is eval'd, which the CSP refuses).
"""
from __future__ import annotations

from django.conf import settings
from django.test import Client

# Debian's chromium, never a downloaded browser; a Chinese UI so dates and messages read as users see them.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--lang=zh-CN",
]
PASSWORD = "pass12345"
# A download under CPU load (two xdist workers, WeasyPrint, a Celery worker beside) can take well over a minute.
DOWNLOAD_TIMEOUT_MS = 120_000


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def click_and_wait(page, selector: str):
    """Click something that submits a form or follows a link, and wait until the answer page has loaded."""
    with page.expect_navigation():
        page.click(selector)


def login(page, base_url: str, username: str, password: str = PASSWORD):
    """Sign in through the login form and wait for the page it leads to."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    click_and_wait(page, "button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


def login_by_cookie(context, base_url: str, user):
    """Give a browser context a signed-in session without the login pages (for a person who already signed in
    through the form earlier in the same test): the session is made server-side, its cookie set in the context."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])
