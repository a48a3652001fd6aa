# Uzbek (Latin): "4-yanvar", months and weekdays in lower case, 24-hour clock.
DATE_FORMAT = r"j-E, Y-\y\i\l"  # 4-yanvar, 2027-yil
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j-E, Y-\y\i\l, H:i"
MONTH_DAY_FORMAT = "j-E"
SHORT_DATE_FORMAT = r"j-E, Y"
SHORT_DATETIME_FORMAT = r"j-E, Y, H:i"
WHEN_FORMAT = "l, j-E, H:i"  # payshanba, 4-yanvar, 18:30
SHORT_WHEN_FORMAT = "j-E, H:i"  # 4-yanvar, 18:30
WEEKDAY_DATE_FORMAT = r"l, j-E, Y-\y\i\l"
