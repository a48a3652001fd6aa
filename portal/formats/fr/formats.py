# French: day first, 24-hour clock written "18 h 30".
DATE_FORMAT = "j F Y"  # 4 janvier 2027
TIME_FORMAT = r"G \h i"  # 18 h 30
DATETIME_FORMAT = r"j F Y, G \h i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j N Y"  # 4 jan. 2027
SHORT_DATETIME_FORMAT = r"j N Y, G \h i"
WHEN_FORMAT = r"l j F, G \h i"  # jeudi 4 janvier, 18 h 30
SHORT_WHEN_FORMAT = r"j F, G \h i"  # 4 janvier, 18 h 30
WEEKDAY_DATE_FORMAT = "l j F Y"
