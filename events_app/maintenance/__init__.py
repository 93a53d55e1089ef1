"""Operator tasks: consistent backups and restores."""
