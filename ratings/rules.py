"""The numbers of the yearly rating and of the badges, as data (DOMAIN.md R25, R26, §8).

The rating's cap is a rule value (``chapter.rules``: an administrator records a new value from a
date); the badge levels and the months early are constants here, each with its source.
"""

from django.utils.translation import gettext_lazy as _

from chapter.rules import RuleDefault, register

# R25 (366-QĐ/TW): "excellent" at most this share of "good", per unit. Stated for civil servants
# [V] S37; for party members [U]: a warning only, never a refusal.
EXCELLENT_CAP_KEY = "RATING_EXCELLENT_CAP_PERCENT"

register(
    {
        EXCELLENT_CAP_KEY: RuleDefault(
            20,
            _('"excellent" ratings at most this percentage of "good" ones (warning only)'),
            "Quy định 366-QĐ/TW",
        ),
    }
)

# R26 [V] S40: the levels of party age (years) at which the Party badge is awarded.
BADGE_LEVELS = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
# R26 [V] S40 (against 06-HD/TW [U]): a seriously ill member may receive it this many months
# early: up to 12 months for the levels 30 to 65 years, up to 24 months for 70 to 90 years.
EARLY_MONTHS_SHORT, EARLY_MONTHS_LONG = 12, 24
EARLY_LONG_FROM = 70


def early_months(level: int) -> int:
    return EARLY_MONTHS_LONG if level >= EARLY_LONG_FROM else EARLY_MONTHS_SHORT


# R26 "posthumous 12" [U]: a member who died at most this many months short of a level is listed
# for a posthumous award in the year they would have reached it.
POSTHUMOUS_MONTHS = 12
# What a page cites beside the rating and the badges.
RATING_SOURCE = "Quy định 366-QĐ/TW"
BADGE_SOURCE = "Hướng dẫn 01-HD/TW, mục 18; Hướng dẫn 06-HD/TW"
