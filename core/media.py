"""Serving uploaded files: public media in development only, private files to staff only.

Uploads live under ``MEDIA_ROOT`` (``var/media`` by default), outside the code and the
static files. Two kinds:

* public media (product, bundle and vendor images under ``products/``, ``bundles/``,
  ``vendors/``): served by Django only with ``DEBUG`` (``public_media``); in production the
  web server or object storage serves ``MEDIA_URL`` — and must not serve ``private/``;
* private files under ``private/`` (certification documents, registry import files): never
  public — ``MEDIA_URL + "private/…"`` answers 404 everywhere (nginx refuses it too, see
  ``infra/nginx/nginx.conf``). ``private_media`` serves them at ``/private-media/…``
  (``private_url(name)``) in every environment, to active staff only; anyone else gets 404, as
  if nothing were there (the stored names are random anyway, see ``core.uploads.random_name``).
  The admin links there (``PrivateAdminFileWidget``, ``private_url``).
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.static import serve

PRIVATE_PREFIX = "private/"


def _clean(path: str) -> str:
    """A storage name without ``..``, leading slashes or empty parts, or 404."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise Http404
    return posixpath.join(*parts)


def _is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


@never_cache
def private_media(request, path: str):
    if not _is_staff(getattr(request, "user", None)):
        raise Http404
    name = PRIVATE_PREFIX + _clean(path)
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def public_media(request, path: str):
    if not settings.DEBUG:
        raise Http404  # production: the web server / object storage serves public media
    name = _clean(path)
    if name.startswith(PRIVATE_PREFIX):  # private files only through private_media
        raise Http404
    return serve(request, name, document_root=settings.MEDIA_ROOT)


def private_url(name: str) -> str:
    """The staff-only address of a stored private file (``private/…``)."""
    return reverse("private_media", args=[_clean(name).removeprefix(PRIVATE_PREFIX)])


class _PrivateFile:
    def __init__(self, name: str):
        self.name = name
        self.url = private_url(name)

    def __str__(self) -> str:
        return posixpath.basename(self.name)


class PrivateAdminFileWidget(AdminFileWidget):
    """The admin's file input, linking the current file to ``private_media``, not to
    ``MEDIA_URL`` (where private files are never served)."""

    def format_value(self, value):
        name = getattr(value, "name", None)
        if self.is_initial(value) and name and name.startswith(PRIVATE_PREFIX):
            return _PrivateFile(name)
        return super().format_value(value)
