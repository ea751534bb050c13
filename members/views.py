"""The register and a member's record. (Being built.)"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


member_list = member_create = member_detail = member_edit = _todo
