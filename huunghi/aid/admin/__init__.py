"""The aid part of the staff workspace, one module per area. Each module exposes
``VIEWSETS`` (shown in the "Aid" menu group, in this order) and registers its own admin
URLs, menu items and dashboard panels with Wagtail hooks."""
