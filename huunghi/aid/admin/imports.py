"""The aid import: activities with their transactions from .xlsx."""

VIEWSETS = []
