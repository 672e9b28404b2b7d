"""Simulated parties of the chain: a gemeente and an aanbieder driven by a regio profile.

Pure objects with memory and no I/O: ``receive(xml, verdict, today) -> list[Outgoing]``
answers a delivered message (its retour, a 325, the 301s/319s a verzoek earns), and actions
on request return the Outgoing message to send:

- ``SimulatedGemeente``: ``toewijzing``, ``wijziging``, ``intrekking``, ``verwijdering``;
- ``SimulatedAanbieder``: ``start``, ``stop``, ``vot``, ``vow``, ``declaratie``.

On the exchange they are played by `ketentest.agent.ExchangeAgent`; the tests also run them
against each other in memory (`tests/simulation.py`).
"""
from .aanbieder import SimulatedAanbieder
from .base import Outgoing, Received
from .gemeente import SimulatedGemeente

__all__ = ["Outgoing", "Received", "SimulatedAanbieder", "SimulatedGemeente"]
