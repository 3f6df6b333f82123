"""The largest figures, and the widest span of years, the product takes in."""

import datetime

# No single amount of a council reaches 1兆円 (the whole of Japan's municipal IT spends about
# that in a year): above it a figure is a slip (a pasted code, a phone number), and one past
# the database's integer would fail at the database instead of being refused by name.
YEN_LIMIT = 10**12
# A count (population, households) as the database holds it.
COUNT_LIMIT = 2**31 - 1
# The ids a database key holds (PostgreSQL's bigint, SQLite's INTEGER): a posted id outside
# them is no row's.
ID_RANGE = range(-(2**63), 2**63)

# The years a council's business falls in. A fiscal year of five digits, or a date in 9999,
# is a slip; stored, it failed later on other pages (the era of year 20277, an iCalendar
# feed past the calendar's end). Members' histories go back to the first shared clouds.
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2000, 2100
EARLIEST_DATE, LATEST_DATE = datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)

# What an imported spreadsheet may hold, checked before and while it is read: a 51 KB sheet
# of rows that each reach the last column (XFD) was read 16,384 cells a row and held a
# worker for minutes and gigabytes. The largest real import is a national council's costs,
# 1,741 bodies × the 25 entries of the catalogue, a row each: 43,525 rows of 15 columns,
# 653,000 cells, 29 MB once unpacked, some 20 s to read. A survey or members sheet has 15
# columns, and perhaps a few notes beside them.
IMPORT_MAX_ROWS = 100_000
IMPORT_MAX_COLUMNS = 50
IMPORT_MAX_UNPACKED_BYTES = 64 * 2**20  # an .xlsx is a zip: its parts unpacked, shared strings included
# Counted before reading, as the XML elements that make them (a cell with its value is
# about four): the time openpyxl takes goes with the elements, about 6 µs each, whether
# they are cells of the rows read or not, or shared strings no cell uses.
IMPORT_MAX_CELLS = 1_000_000
