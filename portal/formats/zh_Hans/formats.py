# Chinese: year, month and day with their characters (1月 is the month's name), 24-hour.
DATE_FORMAT = "Y年n月j日"  # 2027年1月4日
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
WHEN_FORMAT = "n月j日（l）H:i"  # 1月4日（星期四）18:30
SHORT_WHEN_FORMAT = "n月j日 H:i"  # 1月4日 18:30
WEEKDAY_DATE_FORMAT = "Y年n月j日（l）"
