"""The medical rules: SQL files in DuckDB's portable dialect and their declarations."""
