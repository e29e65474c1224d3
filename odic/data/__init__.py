"""Datasets: file discovery (``files``), whole-collection compression (``dataset``), reading
compressed trees (``folder``) and the engines that run the work (``engines``).

The public names are re-exported by :mod:`odic`; this package imports nothing itself, so that
the CLI's file discovery costs no torch.
"""
