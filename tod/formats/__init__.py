"""The project's date, time and number formats per language (settings.FORMAT_MODULE_PATH).

English is written as in Britain, not as in the United States: the programme's English readers
live in Europe, where 12/07/2026 is the 12th of July. Each module also names the formats the
templates use beyond Django's own (a weekday with its date): `{{ day|date:"WEEKDAY_DATE_FORMAT" }}`
finds them here, so no template writes a language's date pattern by hand.
"""
