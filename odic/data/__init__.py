"""Datasets and file discovery."""
