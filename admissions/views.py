"""Admissions pages. (Being built.)"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


board = candidate_list = deadline_list = probation_list = candidate_create = _todo
candidate_detail = candidate_step = candidate_observe = _todo
