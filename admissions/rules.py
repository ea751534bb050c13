"""The admissions pipeline's numbers, registered as rule values (``chapter.rules``).

The mechanism — a default per key, ``RuleValue`` rows that change it from a date, ``rule(key,
on)`` for the value in force on a record's own date — lives in ``chapter.rules`` and is shared
with the members register (which registers the minimum age, "MIN_AGE_MONTHS"). The names below
stay importable from here.
"""

from django.utils.translation import gettext_lazy as _

from chapter.rules import (
    DEFAULTS,
    RuleBook,
    RuleDefault,
    forget_rules,
    register,
    rule,
    rule_book,
    rule_value_changed,
)

__all__ = [
    "DEFAULTS", "RuleBook", "RuleDefault", "forget_rules", "rule", "rule_book",
    "rule_value_changed",
]  # fmt: skip

CHARTER_1 = "Điều lệ Đảng, Điều 1; Quy định 294-QĐ/TW"
CHARTER_4 = "Điều lệ Đảng, Điều 4"
DEADLINES = "Quy định 294-QĐ/TW; Hướng dẫn 06-HD/TW"

register(
    {
        "MAX_AGE_MONTHS": RuleDefault(
            720, _("maximum age at the chapter vote, in months"), CHARTER_1
        ),
        "AWARENESS_VALID_MONTHS": RuleDefault(
            60, _("months an awareness-course certificate stays valid"), "Hướng dẫn 12-HD/BTCTW"
        ),
        "INTRODUCER_TOGETHER_MONTHS": RuleDefault(
            12,
            _("months an introducer has worked or lived with the applicant"),
            "Điều lệ Đảng, Điều 4; Quy định 294-QĐ/TW",
        ),
        "MIN_OFFICIAL_MEMBERS": RuleDefault(
            3, _("official members a chapter needs to vote"), "Điều lệ Đảng, Điều 24"
        ),
        "ADMISSION_DECISION_WD": RuleDefault(
            60, _("working days for the admission decision"), DEADLINES
        ),
        "ADMISSION_DECISION_EXTENSION_WD": RuleDefault(
            30, _("extra working days with an extension"), DEADLINES
        ),
        "CEREMONY_WD": RuleDefault(30, _("working days for the ceremony"), DEADLINES),
        "CONFIRMATION_VOTE_WD": RuleDefault(
            30,
            _("working days for the confirmation vote"),
            "Điều lệ Đảng, Điều 5; Quy định 294-QĐ/TW",
        ),
        "CONFIRMATION_DECISION_WD": RuleDefault(
            30, _("working days for the confirmation decision"), DEADLINES
        ),
        "CONFIRMATION_DECISION_EXTENSION_WD": RuleDefault(
            30, _("extra working days for the confirmation decision"), DEADLINES
        ),
        "YOUTH_MAX_AGE": RuleDefault(30, _("Youth Union age limit, in years"), CHARTER_4),
        # The Charter says "phải là đoàn viên": refused unless a value of 0 is recorded.
        "YOUTH_PATH_BLOCKS": RuleDefault(
            1,
            _(
                "1 = refuse, 0 = warn, when an applicant of youth age is not a Youth Union "
                "member or skips the Youth Union path"
            ),
            CHARTER_4,
        ),
        "FAILED_VOTES_ESCALATE": RuleDefault(
            3, _("failed votes after which the superior committee decides"), CHARTER_4
        ),
        "READMISSION_MONTHS": RuleDefault(
            36, _("months since leaving before re-admission"), "Quy định 294-QĐ/TW, mục 3.5"
        ),
        "READMISSION_CONVICTION_MONTHS": RuleDefault(
            60,
            _("months after a less serious conviction is expunged before re-admission"),
            "Quy định 294-QĐ/TW, mục 3.5",
        ),
        "DOSSIER_FRESH_MONTHS": RuleDefault(
            12,
            _("months a complete dossier waits for the chapter vote before it is redone"),
            "Hướng dẫn 01-HD/TW",
        ),
        "DUE_SOON_WD": RuleDefault(
            10, _("Working days before a deadline when it shows as due soon"), ""
        ),
    }
)
