"""Import of an existing register. (Being built.)"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


import_upload = import_template = import_preview = _todo
