"""Thin adapters between drivers and backends."""
