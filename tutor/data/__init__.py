"""Dataset readers: the files models are fitted on → the plain arrays they read.

* :mod:`tutor.data.kt_logs`: knowledge-tracing response logs (pyKT CSV, the DKT paper's
  three-line format) → :class:`tutor.learner.data.ResponseLog`;
* :mod:`tutor.data.cdm`: class response files (a response matrix and Q-matrix, or
  EduCDM's long CSVs) → :class:`tutor.diagnosis.cdm_data.MatrixData` / ``LongData``.

This is where their file I/O lives, so that :mod:`tutor.learner` and the models do none.
Every problem raises :class:`~tutor.errors.InputError` naming the file and line.
"""
