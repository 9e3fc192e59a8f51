"""Diagnosis: from answers to the knowledge points a student (or a class) is missing.

:mod:`tutor.diagnosis.answer` diagnoses one answer (buggy rule, first wrong step of the
shown working, or unknown cause); :mod:`tutor.diagnosis.cdm` holds class-level cognitive
diagnosis with DINA (exact, up to a dozen skills), :mod:`tutor.diagnosis.ncdm` the neural
model for many skills, and :mod:`tutor.diagnosis.cdm_data` the readers of class response
files.
"""
