"""Quality processes: controlled documents, nonconformities and CAPA, and everyone's tasks."""
