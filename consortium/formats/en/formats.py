"""English dates as our readers take them: 7 Dec. 2026, 21:27 — never 12/07/2026, which
half of them read as 12 July. (Django's English short formats are the United States'.)"""

SHORT_DATE_FORMAT = "j N Y"
SHORT_DATETIME_FORMAT = "j N Y, H:i"
DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
