# English: month first, as in the United States, but never in digits alone.
DATE_FORMAT = "N j, Y"  # Jan. 4, 2027
TIME_FORMAT = "g:i A"  # 6:30 PM
DATETIME_FORMAT = "N j, Y, g:i A"
MONTH_DAY_FORMAT = "F j"
SHORT_DATE_FORMAT = "M j, Y"  # Jan 4, 2027
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
WHEN_FORMAT = "l, F j, g:i A"  # Thursday, January 4, 6:30 PM
SHORT_WHEN_FORMAT = "M j, g:i A"  # Jan 4, 6:30 PM
WEEKDAY_DATE_FORMAT = "l, F j, Y"
