"""Messages of the libraries the project uses that their own Danish catalogues lack.

makemessages collects only the project's code, so each such message is written here, with its
library's exact msgid and context, to bring it into the project's catalogue
(locale/da/LC_MESSAGES), which Django consults before any library's. Nothing needs to import this
module; a test checks that the messages reach the pages in Danish.
"""

from django.utils.translation import pgettext_lazy

# django-phonenumber-field: the "invalid" message of its form field, with and without a region.
PHONE_NUMBER_INVALID = pgettext_lazy(
    "{example_number} is a national phone number.",
    "Enter a valid phone number (e.g. {example_number}) "
    "or a number with an international call prefix.",
)
PHONE_NUMBER_INVALID_INTERNATIONAL = pgettext_lazy(
    "{example_number} is an international phone number.",
    "Enter a valid phone number (e.g. {example_number}).",
)
