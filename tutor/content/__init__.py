"""Curriculum content: packs, importers, item generators, answer checking, misconceptions."""
