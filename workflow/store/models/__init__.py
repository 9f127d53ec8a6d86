"""The tables, one module per aggregate."""
