"""Understanding what residents write: one taxonomy, a labelled corpus, a trained classifier and the
safety rules that override it. Training needs scikit-learn; understanding a message needs only numpy.
"""
