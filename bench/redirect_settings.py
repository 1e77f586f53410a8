"""Settings for the redirect benchmark only: the app's settings plus a bench-only URLconf.

The bare constant-redirect view exists only here (``redirect_urls``), never in production.
"""

import ambassador.settings as _base

globals().update({name: getattr(_base, name) for name in dir(_base) if name.isupper()})

ROOT_URLCONF = "redirect_urls"
