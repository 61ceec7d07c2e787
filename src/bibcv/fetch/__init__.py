"""Bringing publications in from the network: `bibcv add`, `bibcv sync`, `bibcv cite-counts`.

Nothing here is imported by a build: builds stay offline.  Every command
fetches everything first and writes only after all of it arrived, each file
atomically, so a failure anywhere leaves every file as it was.
"""
