"""The store: SQLAlchemy models, engine and session lifecycle, migrations."""
