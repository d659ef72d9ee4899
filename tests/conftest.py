"""Suite-wide settings: property tests judge behaviour, never speed, so hypothesis' per-example
deadline (a timing assertion that fails on a loaded machine) is off everywhere."""

from hypothesis import settings

settings.register_profile("dcl", deadline=None)
settings.load_profile("dcl")
