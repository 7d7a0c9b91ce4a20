"""A second URLconf for tests/test_url_tag.py: the same name reverses elsewhere."""
from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("elsewhere/", lambda request: HttpResponse(""), name="home")]
