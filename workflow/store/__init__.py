"""The store: every SQL statement the product runs, the tables, the engines and the migrations.

It knows no HTTP and no presentation.
"""
