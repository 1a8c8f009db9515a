import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tod.settings")
application = get_wsgi_application()

# What start-up loaded (modules, settings, URL patterns, translations) lives as long as the
# worker: moved out of the garbage collector's generations, it is no longer walked by every full
# collection a request triggers (the Python docs' advice for pre-forked servers).
gc.freeze()
