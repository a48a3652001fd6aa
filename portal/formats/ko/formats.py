# Korean: year, month and day with their characters (1월 is the month's name), 오전/오후.
DATE_FORMAT = "Y년 n월 j일"
TIME_FORMAT = "A g:i"  # 오후 6:30
DATETIME_FORMAT = "Y년 n월 j일 A g:i"
MONTH_DAY_FORMAT = "n월 j일"
SHORT_DATE_FORMAT = "Y년 n월 j일"
SHORT_DATETIME_FORMAT = "Y년 n월 j일 A g:i"
WHEN_FORMAT = "n월 j일 l A g:i"  # 1월 4일 목요일 오후 6:30
SHORT_WHEN_FORMAT = "n월 j일 A g:i"  # 1월 4일 오후 6:30
WEEKDAY_DATE_FORMAT = "Y년 n월 j일 l"
