from .models_exports import ExportFormat, ExportRequest, ExportStatus

__all__ = ["ExportFormat", "ExportRequest", "ExportStatus"]
