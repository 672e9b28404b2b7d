"""Simulated parties of the chain: a gemeente and an aanbieder driven by a regio profile.

Pure objects with memory and no I/O: ``receive(xml, verdict, today) -> list[Outgoing]``
answers a delivered message (its retour, a 325, the 301s/319s a verzoek earns), and actions
on request return the Outgoing message to send:

- ``SimulatedGemeente``: ``toewijzing``, ``wijziging``, ``intrekking``, ``verwijdering``;
- ``SimulatedAanbieder``: ``start``, ``stop``, ``vot``, ``vow``, ``declaratie``.

``Simulation`` runs the two against each other in memory on a werkdagen clock.
"""
from .aanbieder import SimulatedAanbieder
from .base import Outgoing, Received
from .gemeente import SimulatedGemeente
from .simulation import Delivery, Simulation

__all__ = ["Delivery", "Outgoing", "Received", "SimulatedAanbieder", "SimulatedGemeente",
           "Simulation"]
