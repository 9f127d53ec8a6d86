"""The board's register of agencies and organisations: keeping it (``register``), choosing names
from it (``checking``), and the chair's confirmations that a lead reviewer is independent of an
agency near one of their organisations (``confirmations``)."""
