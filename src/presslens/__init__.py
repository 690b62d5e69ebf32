"""presslens: how the news speaks about NATO and Russia, measured reproducibly.

>>> import presslens
>>> corpus = presslens.load("sample")
>>> len(corpus.articles), corpus.articles.loc[0, "voice"]
(1, 'rashtranews.com')
"""
from presslens.corpus import Corpus, load
from presslens.io import CorpusError, DataFileError

__all__ = ["Corpus", "CorpusError", "DataFileError", "load"]
__version__ = "0.1.0"
