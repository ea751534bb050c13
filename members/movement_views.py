"""Movements, corrections, and the chapter's organisation. (Being built.)"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


transfer_in = member_move = correct_key_date = chapter_detail = _todo
cell_create = cell_edit = role_create = role_end = _todo
