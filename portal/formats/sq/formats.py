# Albanian: day first, months and weekdays in lower case, 24-hour clock.
DATE_FORMAT = "j F Y"  # 4 janar 2027
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j b Y"  # 4 jan 2027
SHORT_DATETIME_FORMAT = "j b Y, H:i"
WHEN_FORMAT = "l, j F, H:i"  # e enjte, 4 janar, 18:30
SHORT_WHEN_FORMAT = "j b, H:i"  # 4 jan, 18:30
WEEKDAY_DATE_FORMAT = "l, j F Y"
