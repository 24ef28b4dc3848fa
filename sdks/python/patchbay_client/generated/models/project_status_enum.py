from enum import StrEnum


class ProjectStatusEnum(StrEnum):
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    ENQUIRY = "enquiry"
    IN_PROGRESS = "in_progress"

    def __str__(self) -> str:
        return str(self.value)
