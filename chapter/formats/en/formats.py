# English keeps the Vietnamese day/month/year order (the data and papers are Vietnamese): every
# date and time format is Vietnamese's; only the number separators are English.
from chapter.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
