"""core.fragments: rendered HTML cached under the caller's key and the code version, the CSRF token per request."""
import os
import zlib

import pytest
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.test import RequestFactory

from core import fragments
from core.fragments import CSRF_SLOT, cached_fragment, code_version


def _request():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "a" * 32
    request.session = {}
    return request


def test_a_key_renders_once_and_none_renders_every_time():
    calls = []

    def render():
        calls.append(1)
        return f"<p>{len(calls)}</p>"

    assert cached_fragment(_request(), "k", render) == "<p>1</p>"
    assert cached_fragment(_request(), "k", render) == "<p>1</p>" and len(calls) == 1
    assert cached_fragment(_request(), None, render) == "<p>2</p>"
    assert cached_fragment(_request(), None, render) == "<p>3</p>"
    assert zlib.decompress(cache.get(f"fragment:{fragments.CODE_VERSION}:k")) == b"<p>1</p>"  # under the code version, compressed


def test_the_csrf_slot_gets_each_requests_token():
    html = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_SLOT}">'
    first, second = _request(), _request()
    a = cached_fragment(first, "form", lambda: html)
    b = cached_fragment(second, "form", lambda: "never rendered")
    assert CSRF_SLOT not in a and CSRF_SLOT not in b
    token_a = a.split('value="')[1].split('"')[0]
    token_b = b.split('value="')[1].split('"')[0]
    assert len(token_a) == 64 and _unmask_cipher_token(token_a) == _unmask_cipher_token(token_b)
    assert first.META["CSRF_COOKIE_NEEDS_UPDATE"] and second.META["CSRF_COOKIE_NEEDS_UPDATE"]  # the cookie is sent


@pytest.fixture
def tree(tmp_path):
    for top in ("templates", "cadre"):
        (tmp_path / top).mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>一</p>")
    (tmp_path / "cadre" / "views.py").write_text("x = 1\n")
    (tmp_path / "cadre" / "notes.md").write_text("not code\n")
    return tmp_path


def test_code_version_follows_templates_and_code(tree):
    before = code_version(tree)
    assert code_version(tree) == before
    (tree / "cadre" / "notes.md").write_text("still not code, longer\n")
    assert code_version(tree) == before
    page = tree / "templates" / "page.html"
    page.write_text("<p>二二</p>")
    changed = code_version(tree)
    assert changed != before
    stat = page.stat()
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert code_version(tree) != changed
    (tree / "cadre" / "new.py").write_text("")
    assert code_version(tree) not in (before, changed)
