# Haitian Creole: day first, 12-hour clock.
DATE_FORMAT = "j F Y"  # 4 janvye 2027
TIME_FORMAT = "g:i A"  # 6:30 PM
DATETIME_FORMAT = "j F Y, g:i A"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j b Y"  # 4 jan 2027
SHORT_DATETIME_FORMAT = "j b Y, g:i A"
WHEN_FORMAT = "l j F, g:i A"  # jedi 4 janvye, 6:30 PM
SHORT_WHEN_FORMAT = "j F, g:i A"  # 4 janvye, 6:30 PM
WEEKDAY_DATE_FORMAT = "l j F Y"
