"""Reports as of any date and for any period. (Being built.)"""

from django.http import Http404


def report(*args, **kwargs):
    raise Http404
