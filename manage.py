#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake (e.g. a malformed DATABASE_URL) gets a message, not a traceback.
        sys.stderr.write(f"Lỗi cấu hình / Configuration error: {exc}\n")
        sys.exit(1)
