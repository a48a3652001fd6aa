# Filipino (Django has no formats): month first as in the Philippines, 12-hour clock.
DATE_FORMAT = "F j, Y"  # Enero 4, 2027
TIME_FORMAT = "g:i A"  # 6:30 PM
DATETIME_FORMAT = "F j, Y, g:i A"
MONTH_DAY_FORMAT = "F j"
SHORT_DATE_FORMAT = "M j, Y"  # Ene 4, 2027
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
WHEN_FORMAT = "l, F j, g:i A"  # Huwebes, Enero 4, 6:30 PM
SHORT_WHEN_FORMAT = "M j, g:i A"  # Ene 4, 6:30 PM
WEEKDAY_DATE_FORMAT = "l, F j, Y"
FIRST_DAY_OF_WEEK = 0
