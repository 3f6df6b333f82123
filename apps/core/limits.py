"""The largest figures the product takes in."""

# No single amount of a council reaches 1兆円 (the whole of Japan's municipal IT spends about
# that in a year): above it a figure is a slip (a pasted code, a phone number), and one past
# the database's integer would fail at the database instead of being refused by name.
YEN_LIMIT = 10**12
# A count (population, households) as the database holds it.
COUNT_LIMIT = 2**31 - 1
