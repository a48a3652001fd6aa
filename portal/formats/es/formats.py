# Spanish as written in the Americas: day first, 12-hour clock "6:30 p.m.".
DATE_FORMAT = r"j \d\e F \d\e Y"  # 4 de enero de 2027
TIME_FORMAT = "g:i a"  # 6:30 p.m.
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i a"
MONTH_DAY_FORMAT = r"j \d\e F"
SHORT_DATE_FORMAT = "j b Y"  # 4 ene 2027
SHORT_DATETIME_FORMAT = "j b Y, g:i a"
WHEN_FORMAT = r"l j \d\e F, g:i a"  # jueves 4 de enero, 6:30 p.m.
SHORT_WHEN_FORMAT = "j b, g:i a"  # 4 ene, 6:30 p.m.
WEEKDAY_DATE_FORMAT = r"l j \d\e F \d\e Y"
