# Bangla: day first, 12-hour clock.
DATE_FORMAT = "j F, Y"  # 4 জানুয়ারি, 2027
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "j F, Y, g:i A"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, g:i A"
WHEN_FORMAT = "l, j F, g:i A"  # বৃহস্পতিবার, 4 জানুয়ারি, 6:30 অপরাহ্ন
SHORT_WHEN_FORMAT = "j N, g:i A"  # 4 জানু., 6:30 অপরাহ্ন
WEEKDAY_DATE_FORMAT = "l, j F, Y"
