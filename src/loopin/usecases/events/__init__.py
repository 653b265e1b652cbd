"""Use cases of the events context: publishing, discovering, sharing events; venues; host leads."""
