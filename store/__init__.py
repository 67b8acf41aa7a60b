"""MySafe's domain: models, encryption and the services pages call. Never imports NiceGUI."""
