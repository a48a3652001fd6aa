# Ukrainian: day first, the month in the genitive, weekdays in lower case, 24-hour clock.
DATE_FORMAT = "j E Y р."  # 4 січня 2027 р.
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y р., H:i"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "j E Y"
SHORT_DATETIME_FORMAT = "j E Y, H:i"
WHEN_FORMAT = "l, j E, H:i"  # четвер, 4 січня, 18:30
SHORT_WHEN_FORMAT = "j E, H:i"  # 4 січня, 18:30
WEEKDAY_DATE_FORMAT = "l, j E Y р."
