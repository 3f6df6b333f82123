"""The largest figures, and the widest span of years, the product takes in."""

import datetime

# No single amount of a council reaches 1兆円 (the whole of Japan's municipal IT spends about
# that in a year): above it a figure is a slip (a pasted code, a phone number), and one past
# the database's integer would fail at the database instead of being refused by name.
YEN_LIMIT = 10**12
# A count (population, households) as the database holds it.
COUNT_LIMIT = 2**31 - 1

# The years a council's business falls in. A fiscal year of five digits, or a date in 9999,
# is a slip; stored, it failed later on other pages (the era of year 20277, an iCalendar
# feed past the calendar's end). Members' histories go back to the first shared clouds.
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2000, 2100
EARLIEST_DATE, LATEST_DATE = datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)
