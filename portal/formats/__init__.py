"""Date and time formats per language (settings.FORMAT_MODULE_PATH), read before Django's.

Every date a family reads names its month, so "01/04/2027" can never be taken for 1 April
by one reader and 4 January by another. Besides Django's own format names, each module
has the forms messaging.dates uses for texts, calls and e-mails:

    WHEN_FORMAT          weekday, day, month and time: a call or an e-mail
    SHORT_WHEN_FORMAT    day, month and time, short enough for a text message
    WEEKDAY_DATE_FORMAT  weekday, day, month and year: the date at the top of a page

Times are 12- or 24-hour as is usual in the language. Django's names of months and
weekdays come from its catalogs (and locale_django/ where Django has none or writes them
with a capital the language does not use).
"""
