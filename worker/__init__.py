"""I/O and orchestration: settings, fetch, storage, pipeline, tasks, CLI."""
