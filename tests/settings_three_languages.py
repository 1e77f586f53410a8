"""The project's settings with a third content language, for tests that show a new
language needs a settings change and a generated migration, and no code."""

from ambassador import settings as _base

globals().update({name: getattr(_base, name) for name in dir(_base) if name.isupper()})

LANGUAGES = [*_base.LANGUAGES, ("sv", "Svenska")]
