from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo story (``seed_demo``) and the benchmark data (``seed_scale``): the top layer,
    which may import every app and which no app imports."""

    name = "demo"
