"""What administrators do with review types, without a release: edit a draft with its problems
located, see its diagram and what it changes, publish it as the next version, export any
version, and move open cases to another version with a dry run first. Admins only; every draft,
publication and migration is audited (``admin_event``).

- ``drafts``: preview, save, discard and publish drafts;
- ``review_types``: the guard and role catalogue, the versions, export and diagrams;
- ``migration``: moving open cases between versions;
- ``audit``: the administrators' audit trail;
- ``results``: the typed values they take and return (the admin API's schemas).
"""
