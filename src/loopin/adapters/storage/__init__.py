"""File storage adapters and image sniffing."""
