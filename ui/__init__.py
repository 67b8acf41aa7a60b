"""MySafe's pages and components. Never imports Peewee or cryptography: it calls `store` services."""
