# Urdu (Django has no formats): day first, the Arabic comma, 12-hour clock.
DATE_FORMAT = "j F Y"  # 4 جنوری 2027
TIME_FORMAT = "g:i A"  # 6:30 شام
DATETIME_FORMAT = "j F Y، g:i A"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y، g:i A"
WHEN_FORMAT = "l، j F، g:i A"  # جمعرات، 4 جنوری، 6:30 شام
SHORT_WHEN_FORMAT = "j F، g:i A"  # 4 جنوری، 6:30 شام
WEEKDAY_DATE_FORMAT = "l، j F Y"
FIRST_DAY_OF_WEEK = 1
