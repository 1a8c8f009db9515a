"""Views of the programme app, one module per component. Thin: parse, check, call, render."""

from .dashboards import dashboard, supervisor_home, supporter_home

__all__ = ["dashboard", "supervisor_home", "supporter_home"]
