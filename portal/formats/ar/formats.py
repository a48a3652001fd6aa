# Arabic: day first, the Arabic comma, 12-hour clock with ص/م.
DATE_FORMAT = "j F، Y"  # 4 يناير، 2027
TIME_FORMAT = "g:i A"  # 6:30 م
DATETIME_FORMAT = "j F، Y، g:i A"
MONTH_DAY_FORMAT = "j F"
# Arabic has no usual short names of months: the whole name, without the year.
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y، g:i A"
WHEN_FORMAT = "l، j F، g:i A"  # الخميس، 4 يناير، 6:30 م
SHORT_WHEN_FORMAT = "j F، g:i A"  # 4 يناير، 6:30 م
WEEKDAY_DATE_FORMAT = "l، j F Y"
